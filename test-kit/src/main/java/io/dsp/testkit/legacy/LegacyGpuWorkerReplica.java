package io.dsp.testkit.legacy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HeyGem GPU server's WebSocket client ({@code ws_client.py} with {@code run_server}'s {@code _handle_ws_task},
 * legacy spec sections 2.2, 2.3, 2.6, 3) connected to a {@code /dsp} gateway and driving a
 * {@link HeyGemServerReplica}.
 *
 * <p>On open it sends {@code register} (role worker, version 1.0) and {@code gpu.power.online}; it never sends a
 * heartbeat but answers {@code ping} with {@code pong}. Tasks ({@code gpu.job.submit}, {@code gpu_task}, and the
 * legacy {@code url}/{@code chatglm_video} frames a gateway broadcasts to every worker, also inside a
 * {@code gpu.job.dispatch.batch}) are deduplicated by {@code request_id} for the life of the replica
 * ({@code _processed_requests}) and each runs on its own thread. {@code heygem_submit} is answered at ACCEPTANCE;
 * its end is only visible as {@code gpu.task.progress} frames (when enabled and the frame carried a key) or by
 * polling the server. A result or progress frame produced while disconnected is dropped, as the client does.
 * There is no automatic reconnect: tests call {@link #reconnect()}.
 */
public final class LegacyGpuWorkerReplica implements AutoCloseable {

    /**
     * Choices where the brief and the code differ, or that tests want to turn on.
     *
     * @param progressForKeyedTasks a {@code heygem_submit} frame with a {@code key} creates the task with that
     *     license key, so the server pushes {@code gpu.task.progress} at processing start, done and error (default
     *     true; the spec infers from the code that WS-submitted tasks never get pushes: see
     *     {@link #inferredFromCode()})
     * @param pushFrameProgress also push a {@code synthesizing} frame at each synthesis step (the unwired
     *     {@code _update_task_progress} hook; default false)
     * @param announceTaskActive send {@code gpu.task.active} ({@code heygem_processing}) when a task starts
     *     processing and ({@code heygem_submit}) on an HTTP submit, as run_server does (default true)
     */
    public record Options(boolean progressForKeyedTasks, boolean pushFrameProgress, boolean announceTaskActive) {

        /** Progress pushes for keyed tasks, no frame pushes, task-active notices. */
        public static Options defaults() {
            return new Options(true, false, true);
        }

        /** What the spec infers from the code: no progress pushes for WebSocket-submitted tasks at all. */
        public static Options inferredFromCode() {
            return new Options(false, false, true);
        }

        public Options withProgressForKeyedTasks(boolean on) {
            return new Options(on, pushFrameProgress, announceTaskActive);
        }

        public Options withPushFrameProgress(boolean on) {
            return new Options(progressForKeyedTasks, on, announceTaskActive);
        }

        public Options withAnnounceTaskActive(boolean on) {
            return new Options(progressForKeyedTasks, pushFrameProgress, on);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> TASK_FRAMES = Set.of("gpu.job.submit", "gpu_task", "url", "chatglm_video");

    private final URI url;
    private final HeyGemServerReplica server;
    private final Options options;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<JsonNode> sent = new CopyOnWriteArrayList<>();
    private final List<JsonNode> dropped = new CopyOnWriteArrayList<>();
    private final Map<String, Long> processedRequests = new ConcurrentHashMap<>();
    private final Set<String> dropBeforeAnswering = ConcurrentHashMap.newKeySet();
    /** One sender thread: frames leave in the order they were produced, never from the socket's own thread. */
    private final ExecutorService outbox =
            Executors.newSingleThreadExecutor(HeyGemServerReplica.daemon("legacy-worker-out"));
    /** Each task on its own thread, like the client's daemon thread per task. */
    private final ExecutorService handlers =
            Executors.newCachedThreadPool(HeyGemServerReplica.daemon("legacy-worker-task"));

    private final TaskObserver observer = new Observer();
    private volatile WebSocket socket;

    private LegacyGpuWorkerReplica(URI url, HeyGemServerReplica server, Options options) {
        this.url = Objects.requireNonNull(url, "url");
        this.server = Objects.requireNonNull(server, "server");
        this.options = Objects.requireNonNull(options, "options");
        server.attach(observer);
        open();
    }

    /** Connects to a gateway's {@code /dsp} (e.g. {@code ws://127.0.0.1:8080/dsp}) with {@link Options#defaults()}. */
    public static LegacyGpuWorkerReplica connect(URI wsUrl, HeyGemServerReplica server) {
        return new LegacyGpuWorkerReplica(wsUrl, server, Options.defaults());
    }

    public static LegacyGpuWorkerReplica connect(URI wsUrl, HeyGemServerReplica server, Options options) {
        return new LegacyGpuWorkerReplica(wsUrl, server, options);
    }

    /** Every frame received, parsed, in order. */
    public List<JsonNode> received() {
        return List.copyOf(received);
    }

    /** Every frame sent, in order. */
    public List<JsonNode> sent() {
        return List.copyOf(sent);
    }

    /** Frames produced while the socket was not open: logged and dropped by the real client. */
    public List<JsonNode> dropped() {
        return List.copyOf(dropped);
    }

    /** The frames sent of one type, in order. */
    public List<JsonNode> sent(String type) {
        return sent.stream()
                .filter(f -> type.equals(HeyGemServerReplica.text(f, "type")))
                .toList();
    }

    public boolean isOpen() {
        WebSocket current = socket;
        return current != null && !current.isOutputClosed() && !current.isInputClosed();
    }

    /**
     * The seed guide's progress pattern (6.3): {@code send_result(request_id, task_type="progress",
     * result={"progress": i, "total": n})}, with send_result's defaults for key and sender_fd.
     */
    public void sendSeedProgress(String requestId, int i, int total) {
        sendSeedProgress(requestId, i, total, "", 0);
    }

    /** As {@link #sendSeedProgress(String, int, int)}, echoing the task's key and sender_fd. */
    public void sendSeedProgress(String requestId, int i, int total, String key, int senderFd) {
        ObjectNode result =
                JsonNodeFactory.instance.objectNode().put("progress", i).put("total", total);
        send(resultFrame(requestId, "progress", key, JsonNodeFactory.instance.numberNode(senderFd), result, null));
    }

    /** Sends any frame as it is (for cases the replica does not script). */
    public void sendRaw(Map<String, Object> frame) {
        send(JSON.valueToTree(frame));
    }

    /**
     * The connection drops once this task has run, just before its result goes out: the result is dropped, as the
     * client drops what it sends while disconnected, and the client has still taken the request id. Call
     * {@link #reconnect()} to come back.
     */
    public void dropBeforeAnswering(String requestId) {
        dropBeforeAnswering.add(requestId);
    }

    /** Closes the connection abruptly (no close frame), as a crashed or cut-off GPU would. */
    public void drop() {
        WebSocket current = socket;
        if (current != null) {
            current.abort();
        }
    }

    /** Opens a new connection and registers again, as the client does after its reconnect wait. */
    public void reconnect() {
        drop();
        open();
    }

    @Override
    public void close() {
        server.detach(observer);
        WebSocket current = socket;
        if (current != null) {
            try {
                current.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // closing anyway
            }
            current.abort();
        }
        outbox.shutdownNow();
        handlers.shutdownNow();
    }

    // ---- connection --------------------------------------------------------------------------------------------

    private void open() {
        http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(url, new Listener())
                .join();
    }

    private void onFrame(String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (JacksonException e) {
            return;
        }
        if (frame == null || !frame.isObject()) {
            return;
        }
        received.add(frame);
        String type = HeyGemServerReplica.text(frame, "type");
        if ("ping".equals(type)) {
            send(JsonNodeFactory.instance.objectNode().put("type", "pong"));
        } else if ("gpu.job.dispatch.batch".equals(type)) {
            for (JsonNode job : frame.path("data").path("jobs")) {
                accept(job);
            }
        } else if (type != null && TASK_FRAMES.contains(type)) {
            accept(frame);
        }
    }

    /** {@code _handle_task}: drops a request id seen before (recorded BEFORE running), else runs it on a thread. */
    private void accept(JsonNode task) {
        String requestId = HeyGemServerReplica.text(task, "request_id");
        if (requestId != null
                && !requestId.isEmpty()
                && processedRequests.putIfAbsent(requestId, System.currentTimeMillis()) != null) {
            return;
        }
        handlers.execute(() -> execute(task));
    }

    // ---- _handle_ws_task -----------------------------------------------------------------------------------------

    private void execute(JsonNode task) {
        String taskType = HeyGemServerReplica.text(task, "task_type");
        if (taskType == null || taskType.isEmpty()) {
            taskType = HeyGemServerReplica.text(task, "type");
        }
        String requestId = orEmpty(HeyGemServerReplica.text(task, "request_id"));
        String key = HeyGemServerReplica.text(task, "key");
        JsonNode senderFd = task.get("sender_fd");
        JsonNode payload = task.path("payload");
        try {
            ObjectNode result = switch (taskType) {
                case "heygem_submit" -> heygemSubmit(requestId, key, senderFd, payload);
                case "delete_asset" -> deleteAsset(payload);
                case "upload_asset" -> uploadAsset(payload);
                default -> throw new TaskError("未知任务类型: " + taskType);
            };
            if (dropBeforeAnswering.remove(requestId)) {
                drop();
            }
            send(resultFrame(requestId, taskType, key, senderFd, result, null));
        } catch (TaskError e) {
            send(resultFrame(requestId, taskType, key, senderFd, null, e.getMessage()));
        } catch (IOException | RuntimeException e) {
            send(resultFrame(requestId, taskType, key, senderFd, null, String.valueOf(e.getMessage())));
        }
    }

    private ObjectNode heygemSubmit(String requestId, String key, JsonNode senderFd, JsonNode payload) {
        String audioHash = HeyGemServerReplica.text(payload, "audio_hash");
        String videoHash = HeyGemServerReplica.text(payload, "video_hash");
        if (isBlank(audioHash) || isBlank(videoHash)) {
            throw new TaskError("缺少 audio_hash 或 video_hash");
        }
        String audioExt = orDefault(HeyGemServerReplica.text(payload, "audio_ext"), ".wav");
        String videoExt = orDefault(HeyGemServerReplica.text(payload, "video_ext"), ".mp4");
        // The GPU ignores payload.task_id and uses the request id (spec 3).
        String taskId = requestId.isEmpty()
                ? UUID.randomUUID().toString().replace("-", "").substring(0, 16)
                : requestId;
        boolean keyed = options.progressForKeyedTasks() && !isBlank(key);
        HeyGemServerReplica.Submission submission;
        try {
            submission = server.submitAs(
                    taskId,
                    audioHash,
                    audioExt,
                    videoHash,
                    videoExt,
                    keyed ? key : null,
                    keyed && senderFd != null && senderFd.isNumber() ? senderFd.asInt() : null);
        } catch (HeyGemServerReplica.MissingFileException e) {
            throw new TaskError(e.getMessage());
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode().put("task_id", submission.taskId());
        result.set("queue", JSON.valueToTree(submission.queue()));
        return result;
    }

    private ObjectNode deleteAsset(JsonNode payload) throws IOException {
        JsonNode id = payload.get("id");
        String licenseKey = HeyGemServerReplica.text(payload, "license_key");
        if (id == null || id.isNull() || id.asString().isEmpty() || "0".equals(id.asString()) || isBlank(licenseKey)) {
            throw new TaskError("缺少 id 或 license_key");
        }
        try {
            server.deleteAsset(Long.parseLong(id.asString()), licenseKey);
        } catch (NumberFormatException e) {
            // no such row: the real handler only logs a warning and still answers success
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.set("id", id);
        return result.put("msg", "删除成功");
    }

    private ObjectNode uploadAsset(JsonNode payload) throws IOException {
        String filePath = HeyGemServerReplica.text(payload, "file_path");
        String assetType = HeyGemServerReplica.text(payload, "asset_type");
        String name = HeyGemServerReplica.text(payload, "name");
        String licenseKey = HeyGemServerReplica.text(payload, "license_key");
        if (isBlank(filePath) || isBlank(assetType) || isBlank(name) || isBlank(licenseKey)) {
            throw new TaskError("缺少必要参数");
        }
        Path file = Path.of(filePath);
        if (!Files.isRegularFile(file)) {
            throw new TaskError("文件不存在: " + filePath);
        }
        HeyGemServerReplica.Asset asset = server.uploadAsset(file, assetType, name, licenseKey);
        return JsonNodeFactory.instance
                .objectNode()
                .put("id", asset.id())
                .put("name", asset.name())
                .put("msg", "上传成功");
    }

    // ---- frames --------------------------------------------------------------------------------------------------

    /** {@code send_result}: the result, or {@code error:true} with {@code error_msg} and no result. */
    private static ObjectNode resultFrame(
            String requestId, String taskType, String key, JsonNode senderFd, ObjectNode result, String errorMsg) {
        ObjectNode frame = JsonNodeFactory.instance
                .objectNode()
                .put("type", "gpu.job.result")
                .put("task_type", taskType)
                .put("request_id", requestId)
                .put("key", orEmpty(key));
        frame.set(
                "sender_fd", senderFd == null || senderFd.isNull() ? JsonNodeFactory.instance.numberNode(0) : senderFd);
        if (errorMsg == null) {
            frame.put("error", false);
            frame.set("result", result);
        } else {
            frame.put("error", true);
            frame.put("error_msg", errorMsg);
        }
        return frame;
    }

    private void send(JsonNode frame) {
        try {
            outbox.execute(() -> transmit(frame));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            dropped.add(frame);
        }
    }

    private void transmit(JsonNode frame) {
        WebSocket current = socket;
        if (current == null || current.isOutputClosed()) {
            dropped.add(frame);
            return;
        }
        try {
            current.sendText(JSON.writeValueAsString(frame), true).join();
            sent.add(frame);
        } catch (RuntimeException e) {
            dropped.add(frame);
        }
    }

    private static long ts() {
        return System.currentTimeMillis() / 1000;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String orDefault(String value, String fallback) {
        return isBlank(value) ? fallback : value;
    }

    /** A handler's error message, sent as {@code error_msg}. */
    private static final class TaskError extends RuntimeException {
        TaskError(String message) {
            super(message);
        }
    }

    private final class Observer implements TaskObserver {

        @Override
        public void progress(Map<String, Object> fields, boolean frameStep) {
            if (frameStep && !options.pushFrameProgress()) {
                return;
            }
            Map<String, Object> frame = new LinkedHashMap<>();
            frame.put("type", "gpu.task.progress");
            frame.putAll(fields);
            if (frameStep) {
                frame.put("status", "synthesizing");
            }
            frame.put("ts", ts());
            send(JSON.valueToTree(frame));
        }

        @Override
        public void active(String taskId, String taskType) {
            if (!options.announceTaskActive()) {
                return;
            }
            send(JsonNodeFactory.instance
                    .objectNode()
                    .put("type", "gpu.task.active")
                    .put("task_id", taskId)
                    .put("task_type", taskType)
                    .put("ts", ts()));
        }
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            send(JsonNodeFactory.instance
                    .objectNode()
                    .put("type", "register")
                    .put("role", "worker")
                    .put("version", "1.0")
                    .put("ts", ts()));
            send(JsonNodeFactory.instance
                    .objectNode()
                    .put("type", "gpu.power.online")
                    .put("status", "running")
                    .put("msg", "GPU服务器已启动")
                    .put("ts", ts()));
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onFrame(text);
            }
            webSocket.request(1);
            return null;
        }
    }
}
