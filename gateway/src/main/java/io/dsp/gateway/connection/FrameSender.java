package io.dsp.gateway.connection;

import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.databind.json.JsonMapper;

/** Writes frames as JSON text; sessions are wrapped for concurrent senders, so any thread may send. */
final class FrameSender {

    private static final Logger log = LoggerFactory.getLogger(FrameSender.class);

    private final JsonMapper json;

    FrameSender(JsonMapper json) {
        this.json = json;
    }

    void send(WebSocketSession session, Map<String, Object> frame) {
        sendText(session, json.writeValueAsString(frame));
    }

    /** Sends a frame that is already JSON text (a frame relayed by another instance, exactly as it was built there). */
    void sendText(WebSocketSession session, String frame) {
        if (!session.isOpen()) {
            return;
        }
        try {
            session.sendMessage(new TextMessage(frame));
        } catch (IOException | RuntimeException e) {
            log.debug("closing session {} that cannot take a frame: {}", session.getId(), e.toString());
            close(session, CloseStatus.SESSION_NOT_RELIABLE);
        }
    }

    void ping(WebSocketSession session) {
        try {
            if (session.isOpen()) {
                session.sendMessage(new PingMessage());
            }
        } catch (IOException | RuntimeException e) {
            close(session, CloseStatus.SESSION_NOT_RELIABLE);
        }
    }

    static void close(WebSocketSession session, CloseStatus status) {
        try {
            session.close(status);
        } catch (IOException | RuntimeException e) {
            log.debug("session {} did not close cleanly: {}", session.getId(), e.toString());
        }
    }
}
