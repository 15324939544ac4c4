package io.dsp.gateway.session;

import io.dsp.gateway.GatewaySettings;
import io.dsp.gateway.access.ConnectionGuard;
import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.connection.Connections;
import io.dsp.gateway.connection.Role;
import io.dsp.gateway.protocol.FrameFields;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import io.dsp.gateway.worker.WorkerBridge;
import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code /dsp} endpoint: every frame of the legacy protocol (spec section 2) is checked here (size, rate, JSON, a
 * known type), then handed through the {@link FrameRegistry} to its family, which checks the sender's role. A bad frame
 * gets an error frame (with {@code msg} and {@code message}, built by {@code Frames}) and changes nothing.
 */
@Component
class DspWebSocketHandler extends TextWebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(DspWebSocketHandler.class);
    private static final String CONNECTION = "dsp.connection";

    private final Connections connections;
    private final WorkerBridge workers;
    private final FrameRegistry registry;
    private final GatewaySettings settings;
    private final JsonMapper json;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ConnectionGuard guard;

    DspWebSocketHandler(
            Connections connections,
            WorkerBridge workers,
            FrameRegistry registry,
            GatewaySettings settings,
            JsonMapper json,
            Clock clock,
            MeterRegistry meters,
            ConnectionGuard guard) {
        this.guard = guard;
        this.connections = connections;
        this.workers = workers;
        this.registry = registry;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws IOException {
        String address = session.getRemoteAddress() == null
                ? null
                : session.getRemoteAddress().getHostString();
        Optional<String> refused = guard.admit(address);
        if (refused.isPresent()) {
            rejected("connection_limit");
            log.debug("refused a connection: {}", refused.get());
            session.close(CloseStatus.POLICY_VIOLATION.withReason("connection limit"));
            return;
        }
        Optional<Connection> opened = connections.open(session, clock.instant(), settings.maxConnections());
        if (opened.isEmpty()) {
            guard.closed(address);
            session.close(CloseStatus.SERVICE_OVERLOAD.withReason("too many connections"));
            return;
        }
        session.getAttributes().put(CONNECTION, opened.get());
        opened.get().send(Frames.connected(opened.get().fd()));
        guard.opened(opened.get());
    }

    @Override
    protected void handlePongMessage(WebSocketSession session, PongMessage message) {
        Connection connection = connection(session);
        if (connection != null) {
            connection.heardAt(clock.instant());
        }
    }

    /**
     * Frames arrive in parts of the container's small per-connection buffer ({@link WebSocketConfiguration}), so an
     * idle connection costs kilobytes instead of a buffer of the largest frame; the parts are joined here.
     */
    @Override
    public boolean supportsPartialMessages() {
        return true;
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        Connection connection = connection(session);
        if (connection == null) {
            return;
        }
        String whole = PartialFrames.join(
                session, message, settings.maxFrameBytes() * WebSocketConfiguration.CONTAINER_HEADROOM);
        if (whole == null) {
            return;
        }
        if (whole == PartialFrames.TOO_BIG) {
            rejected("too_large");
            try {
                session.close(CloseStatus.TOO_BIG_TO_PROCESS.withReason("frame too large"));
            } catch (IOException e) {
                log.debug("closing after an oversize frame failed: {}", e.toString());
            }
            return;
        }
        handleWholeText(connection, whole);
    }

    private void handleWholeText(Connection connection, String text) {
        Instant now = clock.instant();
        connection.heardAt(now);
        // Workers are exempt: a busy worker's results must never be dropped, and a result is an answer, not a request.
        if (connection.role() != Role.WORKER && !connection.withinRate(now, settings.maxMessagesPerSecond())) {
            rejected("rate_limit");
            connection.send(Frames.error("消息过于频繁，请稍后再试", null));
            return;
        }
        if (text.length() > settings.maxFrameBytes()
                || text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > settings.maxFrameBytes()) {
            rejected("too_large");
            connection.send(Frames.error("消息过大（上限 " + settings.maxFrameBytes() + " 字节）", null));
            return;
        }
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JacksonException e) {
            String trimmed = text.strip();
            if (trimmed.startsWith("http://") || trimmed.startsWith("https://")) {
                Map<String, Object> url = Frames.of(MessageType.URL);
                url.put("url", trimmed);
                frame = json.valueToTree(url);
            } else if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
                rejected("bad_json");
                connection.send(Frames.error("消息不是合法的 JSON", null));
                return;
            } else {
                return; // the legacy gateway drops other non-JSON frames silently
            }
        }
        if (frame == null || !frame.isObject() || !frame.path("type").isString()) {
            rejected("no_type");
            connection.send(Frames.error("消息缺少 type 字段", null));
            return;
        }
        String type = frame.path("type").asString();
        Optional<MessageType> known = MessageType.fromWire(type);
        if (known.isEmpty()) {
            rejected("unknown_type");
            connection.send(Frames.error("未知的消息类型: " + type, FrameFields.text(frame, "request_id")));
            return;
        }
        long errorsBefore = connection.errorsSent();
        try {
            registry.dispatch(connection, known.get(), frame);
            if (connection.errorsSent() > errorsBefore) {
                rejected("refused");
            }
        } catch (Exception e) {
            rejected("failed");
            log.error("frame {} from {} failed", type, connection, e);
            connection.send(Frames.error("处理消息失败: " + type, FrameFields.text(frame, "request_id")));
        }
    }

    /** Binary frames are not part of the protocol: the connection is closed (1003), as the container did. */
    @Override
    protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
        rejected("binary");
        try {
            session.close(CloseStatus.NOT_ACCEPTABLE.withReason("binary frames are not supported"));
        } catch (IOException e) {
            log.debug("closing after a binary frame failed: {}", e.toString());
        }
    }

    private void rejected(String reason) {
        Counter.builder(MetricNames.INPUT_REJECTED)
                .tag(MetricNames.TAG_SOURCE, "gateway")
                .tag("reason", reason)
                .register(meters)
                .increment();
    }

    private static Connection connection(WebSocketSession session) {
        return (Connection) session.getAttributes().get(CONNECTION);
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        Connection connection = connection(session);
        if (connection == null) {
            return;
        }
        connections.closed(connection);
        guard.closed(connection.remoteAddress());
        workers.detach(connection);
        if (status.getCode() == CloseStatus.TOO_BIG_TO_PROCESS.getCode()) {
            rejected("too_large");
        }
        log.debug("closed {} status={}", connection, status);
    }
}
