package io.dsp.gateway.session;

import io.dsp.gateway.GatewaySettings;
import io.dsp.gateway.client.ClientIntake;
import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.connection.Connections;
import io.dsp.gateway.connection.Role;
import io.dsp.gateway.fleet.FleetWatch;
import io.dsp.gateway.license.LicenseRegistry;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import io.dsp.gateway.relay.Relay;
import io.dsp.gateway.worker.WorkerBridge;
import io.dsp.schemas.avro.RelayTarget;
import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * The {@code /dsp} endpoint: every frame of the legacy protocol (spec section 2), checked against the sender's role.
 * A bad frame gets an error frame (with {@code msg} and {@code message}) and changes nothing.
 */
@Component
class DspWebSocketHandler extends TextWebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(DspWebSocketHandler.class);
    private static final String CONNECTION = "dsp.connection";
    private static final Duration LICENSE_LOOKUP_WAIT = Duration.ofSeconds(3);

    private final Connections connections;
    private final WorkerBridge workers;
    private final ClientIntake intake;
    private final FleetWatch fleet;
    private final LicenseRegistry licenses;
    private final Relay relay;
    private final GatewaySettings settings;
    private final JsonMapper json;
    private final Clock clock;
    private final MeterRegistry meters;

    DspWebSocketHandler(
            Connections connections,
            WorkerBridge workers,
            ClientIntake intake,
            FleetWatch fleet,
            LicenseRegistry licenses,
            Relay relay,
            GatewaySettings settings,
            JsonMapper json,
            Clock clock,
            MeterRegistry meters) {
        this.connections = connections;
        this.workers = workers;
        this.intake = intake;
        this.fleet = fleet;
        this.licenses = licenses;
        this.relay = relay;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws IOException {
        Optional<Connection> opened = connections.open(session, clock.instant(), settings.maxConnections());
        if (opened.isEmpty()) {
            session.close(CloseStatus.SERVICE_OVERLOAD.withReason("too many connections"));
            return;
        }
        session.getAttributes().put(CONNECTION, opened.get());
        opened.get().send(Frames.connected(opened.get().fd()));
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
            connection.send(Frames.error("未知的消息类型: " + type, text(frame, "request_id")));
            return;
        }
        long errorsBefore = connection.errorsSent();
        try {
            handle(connection, known.get(), frame);
            if (connection.errorsSent() > errorsBefore) {
                rejected("refused");
            }
        } catch (Exception e) {
            rejected("failed");
            log.error("frame {} from {} failed", type, connection, e);
            connection.send(Frames.error("处理消息失败: " + type, text(frame, "request_id")));
        }
    }

    private void handle(Connection from, MessageType type, JsonNode frame) throws Exception {
        switch (type) {
            case PING -> from.send(Frames.of(MessageType.PONG));
            case PONG -> {
                // a worker's answer to our ping; being heard is all it does
            }
            case REGISTER -> register(from, frame);
            case GPU_JOB_SUBMIT, GPU_TASK -> {
                if (requireRole(from, Role.CLIENT, "仅已注册的客户端可提交任务（请先 register 并提供 key）", frame)) {
                    from.send(intake.submit(from, frame));
                }
            }
            case GPU_JOB_CANCEL -> {
                if (requireRole(from, Role.CLIENT, "仅已注册的客户端可取消任务", frame)) {
                    from.send(intake.cancel(from, frame));
                }
            }
            case GPU_JOB_RESULT, GPU_TASK_RESULT -> {
                if (requireRole(from, Role.WORKER, "仅 worker 可发送任务结果", frame)) {
                    workers.result(from, frame)
                            .ifPresent(error -> from.send(Frames.error(error, text(frame, "request_id"))));
                }
            }
            case GPU_TASK_PROGRESS -> {
                if (requireRole(from, Role.WORKER, "仅 worker 可发送任务进度", frame)
                        && workers.progress(from, frame).isEmpty()) {
                    relayUnknownProgress(frame);
                }
            }
            case GPU_TASK_ACTIVE -> {
                if (requireRole(from, Role.WORKER, "仅 worker 可发送 gpu.task.active", frame)) {
                    relay.everywhere(
                            RelayTarget.MONITORS,
                            null,
                            Frames.taskActive(
                                    orDefault(text(frame, "task_id"), ""),
                                    orDefault(text(frame, "task_type"), "unknown"),
                                    clock.instant()));
                }
            }
            case GPU_POWER_ONLINE, GPU_ONLINE -> powerOnline(from, frame);
            case GPU_POWER_BOOT -> {
                Map<String, Object> boot = Frames.of(MessageType.GPU_POWER_BOOT);
                boot.put("source", "client");
                boot.put("fd", from.fd());
                boot.put("request_id", orDefault(text(frame, "request_id"), Frames.uniqueId("boot_", clock.instant())));
                boot.put("msg", orDefault(text(frame, "msg"), "请求启动GPU"));
                toMonitors(from, boot);
            }
            case GPU_STATUS_QUERY -> {
                Map<String, Object> query = Frames.of(MessageType.GPU_STATUS_QUERY);
                query.put("source", "client");
                query.put("sender_fd", from.fd());
                query.put("request_id", orDefault(text(frame, "request_id"), Frames.uniqueId("sq_", clock.instant())));
                toMonitors(from, query);
            }
            case GPU_STATUS_RESPONSE -> {
                if (requireRole(from, Role.MONITOR, "仅 gpu_monitor 可发送 gpu.status.response", frame)) {
                    relay.everywhere(RelayTarget.CLIENTS, null, statusResponse(frame));
                }
            }
            case GPU_POWER_BOOT_RESULT -> {
                if (requireRole(from, Role.MONITOR, "仅 gpu_monitor 可发送 gpu.power.boot.result", frame)) {
                    relay.everywhere(
                            RelayTarget.CLIENTS, null, copy(frame, "type", "request_id", "success", "status", "msg"));
                }
            }
            case MOBILE_TASK -> mobileTask(from, frame);
            case MOBILE_TASK_RESULT -> mobileTaskResult(from, frame);
            case SYNC -> sync(from, frame);
            case URL, CHATGLM_VIDEO -> legacyWorkerTask(from, type, frame);
            case RESULT, CHATGLM_VIDEO_RESULT -> legacyWorkerResult(from, type, frame);
            default -> from.send(Frames.error("该消息类型只由网关发送: " + type.wireName(), text(frame, "request_id")));
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

    private void register(Connection from, JsonNode frame) {
        String role = text(frame, "role");
        String key = text(frame, "key");
        Map<String, Object> registered = Frames.of(MessageType.REGISTERED);
        if ("worker".equals(role)) {
            if (!settings.workerToken().isBlank() && !settings.workerToken().equals(text(frame, "token"))) {
                from.send(Frames.error("worker 令牌无效", null));
                return;
            }
            int slots = settings.workerSlots();
            if (frame.has("slots")) {
                JsonNode declared = frame.get("slots");
                if (!declared.isInt() || declared.asInt() < 1 || declared.asInt() > settings.maxWorkerSlots()) {
                    from.send(Frames.error("slots 必须是 1-" + settings.maxWorkerSlots() + " 的整数", null));
                    return;
                }
                slots = declared.asInt();
            }
            Set<String> types = new LinkedHashSet<>(settings.workerTaskTypes());
            if (frame.has("task_types")) {
                JsonNode declared = frame.get("task_types");
                if (!declared.isArray()
                        || declared.isEmpty()
                        || !declared.valueStream().allMatch(JsonNode::isString)) {
                    from.send(Frames.error("task_types 必须是非空字符串数组", null));
                    return;
                }
                types.clear();
                declared.valueStream().forEach(t -> types.add(t.asString()));
            }
            if (!sameRoleOrNone(from, Role.WORKER)) {
                return;
            }
            connections.registerWorker(from);
            // Attached before the answer: a client that submits once the worker is registered is told it is online.
            workers.attach(from, slots, types);
            registered.put("role", "worker");
            from.send(registered);
        } else if ("gpu_monitor".equals(role)) {
            if (!sameRoleOrNone(from, Role.MONITOR)) {
                return;
            }
            connections.registerMonitor(from);
            registered.put("role", "gpu_monitor");
            from.send(registered);
        } else if (key != null) {
            if (key.length() > 256) {
                from.send(Frames.error("key 过长", null));
                return;
            }
            if (!sameRoleOrNone(from, Role.CLIENT)) {
                return;
            }
            if (from.role() == Role.CLIENT && !key.equals(from.key())) {
                from.send(Frames.error("连接已用另一个 key 注册", null));
                return;
            }
            if (settings.validateLicenses() && !licenses.isActive(key, clock.instant(), LICENSE_LOOKUP_WAIT)) {
                from.send(Frames.error("授权码无效或已过期", null));
                return;
            }
            String deviceType = "mobile".equals(text(frame, "device_type")) ? "mobile" : "pc";
            connections.registerClient(from, key, deviceType);
            registered.put("key", key);
            registered.put("device_type", deviceType);
            from.send(registered);
        } else {
            from.send(Frames.error("注册需要 role (worker / gpu_monitor) 或 key", null));
        }
    }

    /**
     * Monitors on every instance for a registered sender; only this instance's for an unregistered one (legacy lets
     * any connection ask, but an anonymous connection must not make every gateway write to Kafka).
     */
    private void toMonitors(Connection from, Map<String, Object> frame) {
        if (from.role() == Role.NONE) {
            connections.sendToRole(Role.MONITOR, frame);
        } else {
            relay.everywhere(RelayTarget.MONITORS, null, frame);
        }
    }

    private boolean sameRoleOrNone(Connection from, Role role) {
        if (from.role() == Role.NONE || from.role() == role) {
            return true;
        }
        from.send(Frames.error("连接已注册为 " + from.role().name().toLowerCase(java.util.Locale.ROOT) + "，不能更改角色", null));
        return false;
    }

    private boolean requireRole(Connection from, Role role, String error, JsonNode frame) {
        if (from.role() == role) {
            return true;
        }
        from.send(Frames.error(error, text(frame, "request_id")));
        return false;
    }

    /**
     * A worker's duplicate {@code gpu.power.online} after {@code register} is not broadcast again (legacy defect 4); a
     * monitor's is relayed only while a worker is online: "VM running" alone is not a GPU that takes work, and clients
     * get the broadcast when the worker registers.
     */
    private void powerOnline(Connection from, JsonNode frame) {
        if (from.role() != Role.MONITOR || !fleet.isOnline()) {
            return;
        }
        Instant now = clock.instant();
        Map<String, Object> online = Frames.powerOnline(0, now);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) online.get("data");
        data.remove("source");
        data.remove("worker_fd");
        data.put("from", "gpu_monitor");
        putIfSet(data, "request_id", text(frame, "request_id"));
        relay.everywhere(RelayTarget.CLIENTS, null, Frames.gpuOnline());
        relay.everywhere(RelayTarget.CLIENTS, null, online);
    }

    private Map<String, Object> statusResponse(JsonNode frame) {
        String state = orDefault(text(frame, "State"), text(frame, "state"));
        String status = orDefault(text(frame, "status"), "unknown");
        if ("Initializing".equalsIgnoreCase(state)) {
            status = "starting";
        }
        Map<String, Object> out = Frames.of(MessageType.GPU_STATUS_RESPONSE);
        out.put("status", status);
        putIfSet(out, "State", state);
        putIfSet(out, "request_id", text(frame, "request_id"));
        out.put("fresh", frame.path("fresh").asBoolean(false));
        return out;
    }

    /** A task progress the fleet does not know (the GPU got it over HTTP directly): relayed by key, as guessed before. */
    private void relayUnknownProgress(JsonNode frame) {
        String key = text(frame, "key");
        if (key == null) {
            return;
        }
        Map<String, Object> out = copy(
                frame,
                "type",
                "task_id",
                "status",
                "progress",
                "message",
                "error",
                "total_frames",
                "current_frame",
                "ts");
        toSenderOrLicense(key, frame.path("sender_fd").asLong(0), out);
    }

    private void mobileTask(Connection from, JsonNode frame) {
        String requestId = orDefault(text(frame, "request_id"), Frames.uniqueId("mt_", clock.instant()));
        if (from.role() != Role.CLIENT || !"mobile".equals(from.deviceType())) {
            from.send(Frames.error("仅手机端可发送 mobile_task", requestId));
            return;
        }
        String taskType = text(frame, "task_type");
        Map<String, Object> out = Frames.of(MessageType.MOBILE_TASK);
        out.put("task_type", taskType);
        out.put("request_id", requestId);
        out.put("key", from.key());
        out.put("sender_fd", from.fd());
        out.put("payload", frame.has("payload") ? json.convertValue(frame.get("payload"), Object.class) : Map.of());
        Optional<Connection> pc = connections.device(from.key(), "pc");
        if (pc.isEmpty()) {
            // Perhaps on another instance: the one that has it delivers it and answers with the ack.
            relay.toRemoteDevice(from, out, requestId, "电脑端不在线，请先打开电脑端软件");
            return;
        }
        pc.get().send(out);
        from.send(Frames.ack(requestId, null, "已转发到电脑端 (task_type=" + taskType + ")"));
    }

    private void mobileTaskResult(Connection from, JsonNode frame) {
        if (from.role() != Role.CLIENT || !"pc".equals(from.deviceType())) {
            from.send(Frames.error("仅电脑端可发送 mobile_task_result", text(frame, "request_id")));
            return;
        }
        Map<String, Object> out =
                copy(frame, "type", "request_id", "sender_fd", "task_type", "error", "error_msg", "result");
        // sender_fd is only honoured for a connection of the same license: a forged one falls back to the mobile.
        long senderFd = frame.path("sender_fd").asLong(0);
        Optional<Connection> sender = connections
                .byFd(senderFd)
                .filter(c -> c.role() == Role.CLIENT && from.key().equals(c.key()));
        if (sender.isEmpty() && senderFd > 0 && connections.byFd(senderFd).isEmpty()) {
            // Not a connection of this instance: the instance that has it delivers it if it is of this license.
            relay.elsewhere(RelayTarget.LICENSE, from.key(), out);
            return;
        }
        Optional<Connection> target = sender.or(() -> connections.device(from.key(), "mobile"));
        if (target.isEmpty()) {
            from.send(Frames.error("手机端不在线", text(frame, "request_id")));
            return;
        }
        target.get().send(out);
    }

    private void sync(Connection from, JsonNode frame) {
        if (!requireRole(from, Role.CLIENT, "仅已注册的客户端可发送 sync", frame)) {
            return;
        }
        String target = text(frame, "target_device");
        if (target == null) {
            from.send(Frames.error("目标设备不在线: " + target, text(frame, "request_id")));
            return;
        }
        Optional<Connection> device = connections.device(from.key(), target);
        if (device.isEmpty()) {
            // Perhaps on another instance; a device on none is dropped there, as a frame to a closed fd was.
            relay.elsewhere(RelayTarget.LICENSE, from.key(), json.convertValue(frame, LINKED_MAP));
            return;
        }
        device.get().send(json.convertValue(frame, LINKED_MAP));
    }

    /**
     * Legacy {@code url} / {@code chatglm_video} frames go to one connected worker that declared that type (a
     * {@code ws_worker}), never to every worker; the GPU worker no longer receives them to answer "未知任务类型".
     */
    private void legacyWorkerTask(Connection from, MessageType type, JsonNode frame) {
        String requestId = text(frame, "request_id");
        if (!requireRole(from, Role.CLIENT, "仅已注册的客户端可发送 " + type.wireName(), frame)) {
            return;
        }
        Map<String, Object> out = Frames.of(type);
        if (type == MessageType.URL) {
            String url = text(frame, "url");
            if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                from.send(Frames.error("url 必须以 http:// 或 https:// 开头", requestId));
                return;
            }
            out.put("url", url);
            out.put("key", from.key());
        } else {
            out.put("content", orDefault(text(frame, "content"), ""));
            out.put("key", from.key());
            putIfSet(out, "request_id", requestId);
            out.put("sender_fd", from.fd());
        }
        relay.everywhere(RelayTarget.MONITORS, null, Map.of("type", type.wireName(), "key", from.key()));
        Optional<Connection> worker = workers.runnerOf(type.wireName());
        if (worker.isEmpty()) {
            Instant now = clock.instant();
            from.send(Frames.powerOffline(
                    orDefault(requestId, Frames.uniqueId("gpu_offline_", now)), null, "处理服务器未上线，请稍后重试", now));
            return;
        }
        worker.get().send(out);
        from.send(Frames.ack(requestId, null, "已提交"));
    }

    private void legacyWorkerResult(Connection from, MessageType type, JsonNode frame) {
        if (!requireRole(from, Role.WORKER, "仅 worker 可发送 " + type.wireName(), frame)) {
            return;
        }
        String key = text(frame, "key");
        if (key == null) {
            from.send(Frames.error("结果缺少 key", null));
            return;
        }
        Map<String, Object> out =
                copy(frame, "type", "request_id", "content", "video_url", "cover_url", "error", "error_msg");
        toSenderOrLicense(key, frame.path("sender_fd").asLong(0), out);
    }

    /**
     * To the sender if it is a client of this license on this instance, else to every connection of the license on
     * every instance (legacy {@code _replyToClient}).
     */
    private void toSenderOrLicense(String key, long senderFd, Map<String, Object> frame) {
        Optional<Connection> sender =
                connections.byFd(senderFd).filter(c -> c.role() == Role.CLIENT && key.equals(c.key()));
        if (sender.isPresent()) {
            sender.get().send(frame);
        } else {
            relay.everywhere(RelayTarget.LICENSE, key, frame);
        }
    }

    private static final tools.jackson.core.type.TypeReference<LinkedHashMap<String, Object>> LINKED_MAP =
            new tools.jackson.core.type.TypeReference<>() {};

    private Map<String, Object> copy(JsonNode frame, String... fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String field : fields) {
            if (frame.has(field)) {
                out.put(field, json.convertValue(frame.get(field), Object.class));
            }
        }
        return out;
    }

    private static String text(JsonNode frame, String field) {
        JsonNode node = frame.get(field);
        return node != null && node.isString() && !node.asString().isBlank() ? node.asString() : null;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static void putIfSet(Map<String, Object> frame, String field, Object value) {
        if (value != null) {
            frame.put(field, value);
        }
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
        workers.detach(connection);
        if (status.getCode() == CloseStatus.TOO_BIG_TO_PROCESS.getCode()) {
            rejected("too_large");
        }
        log.debug("closed {} status={}", connection, status);
    }
}
