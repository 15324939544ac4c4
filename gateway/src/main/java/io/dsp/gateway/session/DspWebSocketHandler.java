package io.dsp.gateway.session;

import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code /dsp} endpoint: connection open ({@code connected} with a connection number), registration of every
 * role, and heartbeats. Task traffic is answered with a clear error until the Kafka bridge lands.
 */
@Component
class DspWebSocketHandler extends TextWebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(DspWebSocketHandler.class);
    private static final String FD = "fd";

    private final AtomicLong connections = new AtomicLong();
    private final JsonMapper json;

    DspWebSocketHandler(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws IOException {
        long fd = connections.incrementAndGet();
        session.getAttributes().put(FD, fd);
        Map<String, Object> connected = Frames.of(MessageType.CONNECTED);
        connected.put("fd", fd);
        send(session, connected);
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
        String text = message.getPayload();
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JacksonException e) {
            if (text.startsWith("http://") || text.startsWith("https://")) {
                send(session, Frames.error("暂不支持的消息类型: url", null));
            }
            return; // the legacy gateway drops other non-JSON frames silently
        }
        if (frame == null || !frame.isObject() || !frame.path("type").isString()) {
            send(session, Frames.error("消息缺少 type 字段", null));
            return;
        }
        String type = frame.path("type").asString();
        Optional<MessageType> known = MessageType.fromWire(type);
        if (known.isEmpty()) {
            send(session, Frames.error("未知的消息类型: " + type, null));
            return;
        }
        switch (known.get()) {
            case PING -> send(session, Frames.of(MessageType.PONG));
            case REGISTER -> register(session, frame);
            default -> send(session, Frames.error("暂不支持的消息类型: " + type, text(frame, "request_id")));
        }
    }

    private void register(WebSocketSession session, JsonNode frame) throws IOException {
        String role = text(frame, "role");
        String key = text(frame, "key");
        Map<String, Object> registered = Frames.of(MessageType.REGISTERED);
        if ("worker".equals(role) || "gpu_monitor".equals(role)) {
            registered.put("role", role);
        } else if (key != null && !key.isBlank()) {
            String deviceType = "mobile".equals(text(frame, "device_type")) ? "mobile" : "pc";
            registered.put("key", key);
            registered.put("device_type", deviceType);
        } else {
            send(session, Frames.error("注册需要 role (worker / gpu_monitor) 或 key", null));
            return;
        }
        log.info("registered fd={} as {}", session.getAttributes().get(FD), registered.getOrDefault("role", "client"));
        send(session, registered);
    }

    private static String text(JsonNode frame, String field) {
        JsonNode node = frame.get(field);
        return node != null && node.isString() ? node.asString() : null;
    }

    private void send(WebSocketSession session, Map<String, Object> frame) throws IOException {
        synchronized (session) {
            if (session.isOpen()) {
                session.sendMessage(new TextMessage(json.writeValueAsString(frame)));
            }
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        log.debug("closed fd={} status={}", session.getAttributes().get(FD), status);
    }
}
