package io.dsp.gateway.protocol;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the frames the gateway sends, in the legacy shapes of spec section 2; error frames are built only here. */
public final class Frames {

    /** The legacy Chinese texts, kept word for word: clients show them to users. */
    public static final String ONLINE_TEXT = "GPU服务器已上线，可以开始处理任务";

    public static final String OFFLINE_QUEUED_TEXT = "GPU服务器未上线，任务已排队，服务器启动后自动执行（约2分钟）";
    public static final String OFFLINE_TEXT = "GPU服务器已离线，新任务将排队等待";
    public static final String SUBMITTED_TEXT = "已提交到GPU服务器";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Frames() {}

    public static Map<String, Object> of(MessageType type) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", type.wireName());
        return frame;
    }

    /**
     * An error frame. It carries the text as both {@code msg} (what the legacy gateway sent) and {@code message} (what
     * legacy clients read), so no client loses it.
     */
    public static Map<String, Object> error(String message, String requestId) {
        Map<String, Object> frame = of(MessageType.ERROR);
        if (requestId != null) {
            frame.put("request_id", requestId);
        }
        frame.put("msg", message);
        frame.put("message", message);
        return frame;
    }

    /** Like PHP's {@code uniqid(prefix)} plus randomness, so ids made by several instances never meet. */
    public static String uniqueId(String prefix, Instant now) {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        return prefix + Long.toHexString(micros) + HexFormat.of().formatHex(random);
    }

    public static Map<String, Object> connected(long fd) {
        Map<String, Object> frame = of(MessageType.CONNECTED);
        frame.put("fd", fd);
        return frame;
    }

    public static Map<String, Object> ack(String requestId, String taskType, String message) {
        Map<String, Object> frame = of(MessageType.ACK);
        putIfSet(frame, "request_id", requestId);
        putIfSet(frame, "task_type", taskType);
        frame.put("msg", message);
        return frame;
    }

    /** The unified-envelope reply to a task queued while no GPU is online. */
    public static Map<String, Object> powerOffline(String requestId, String taskType, String text, Instant now) {
        Map<String, Object> frame = envelope(MessageType.GPU_POWER_OFFLINE, "api", requestId, now);
        putIfSet(frame, "task_type", taskType);
        frame.put("msg", text);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", "offline");
        putIfSet(data, "task_type", taskType);
        frame.put("data", data);
        return frame;
    }

    public static Map<String, Object> gpuOffline() {
        Map<String, Object> frame = of(MessageType.GPU_OFFLINE);
        frame.put("msg", OFFLINE_TEXT);
        return frame;
    }

    public static Map<String, Object> gpuOnline() {
        Map<String, Object> frame = of(MessageType.GPU_ONLINE);
        frame.put("msg", ONLINE_TEXT);
        return frame;
    }

    /** The online broadcast; {@code workerFd} is the worker that brought the fleet online, 0 for a native worker. */
    public static Map<String, Object> powerOnline(long workerFd, Instant now) {
        Map<String, Object> frame =
                envelope(MessageType.GPU_POWER_ONLINE, "gpu", uniqueId("gpu_power_online_", now), now);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", "online");
        data.put("msg", ONLINE_TEXT);
        data.put("source", "worker");
        data.put("worker_fd", workerFd);
        frame.put("data", data);
        return frame;
    }

    /** A task as a legacy worker receives it (spec 2.3). */
    public static Map<String, Object> workerJob(
            String taskType, String requestId, String key, long senderFd, Map<String, Object> payload) {
        Map<String, Object> frame = of(MessageType.GPU_JOB_SUBMIT);
        frame.put("task_type", taskType);
        frame.put("request_id", requestId);
        frame.put("key", key);
        frame.put("sender_fd", senderFd);
        frame.put("payload", payload);
        return frame;
    }

    /**
     * An automation task as ws_worker reads it (legacy spec, section 3): {@code {"type":"url","url","key"}} or
     * {@code {"type":"chatglm_video","content","key","request_id","sender_fd"}}. The {@code url} frame also carries the
     * {@code request_id} (an extension ws_worker ignores; a worker that echoes it is matched exactly).
     */
    public static Map<String, Object> automationJob(
            String taskType, String requestId, String key, long senderFd, Map<String, Object> payload) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", taskType);
        if ("url".equals(taskType)) {
            frame.put("url", payload.getOrDefault("url", ""));
            frame.put("key", key);
            frame.put("request_id", requestId);
        } else {
            frame.put("content", payload.getOrDefault("content", ""));
            frame.put("key", key);
            frame.put("request_id", requestId);
            frame.put("sender_fd", senderFd);
        }
        return frame;
    }

    /**
     * An automation task's outcome as the legacy gateway forwarded it to the sender: {@code result} for {@code url},
     * {@code chatglm_video_result} for {@code chatglm_video}, with the worker's fields, or {@code error:true} and
     * {@code error_msg}. Now with the task's {@code request_id}, which the mobile filters on (legacy defect 11).
     */
    public static Map<String, Object> automationResult(
            String taskType, String requestId, Map<String, Object> fields, String error) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put(
                "type",
                "url".equals(taskType) ? MessageType.RESULT.wireName() : MessageType.CHATGLM_VIDEO_RESULT.wireName());
        frame.put("request_id", requestId);
        if (error != null) {
            frame.put("error", true);
            frame.put("error_msg", error);
        } else {
            frame.putAll(fields);
        }
        return frame;
    }

    /**
     * Tells a legacy worker that a task it runs was cancelled (an extension; a worker that does not know it ignores it,
     * and its late result is recorded but not delivered as a success).
     */
    public static Map<String, Object> workerCancel(String taskType, String requestId, String key, String reason) {
        Map<String, Object> frame = of(MessageType.GPU_JOB_CANCEL);
        frame.put("task_type", taskType);
        frame.put("request_id", requestId);
        frame.put("key", key);
        putIfSet(frame, "reason", reason);
        return frame;
    }

    /** The notice monitors get for every task, which their power manager counts as work (the boot trigger). */
    public static Map<String, Object> monitorJobNotice(String taskType, String key) {
        Map<String, Object> frame = of(MessageType.GPU_JOB_SUBMIT);
        frame.put("task_type", taskType);
        // A monitor needs to know that work came, not whose: never another tenant's license key (masked).
        frame.put("key", io.dsp.core.license.LicenseKeys.mask(key));
        return frame;
    }

    /**
     * A result as clients receive it (spec 2.6): {@code result} on success, {@code error}/{@code error_msg} on failure;
     * sent once as {@code gpu.job.result} and again as {@code gpu_task_result} for old clients.
     */
    public static Map<String, Object> result(
            MessageType type, String taskType, String requestId, Object result, String errorMessage) {
        Map<String, Object> frame = of(type);
        frame.put("task_type", taskType);
        frame.put("request_id", requestId);
        if (errorMessage != null) {
            frame.put("error", true);
            frame.put("error_msg", errorMessage);
        } else {
            frame.put("result", result);
        }
        return frame;
    }

    public static Map<String, Object> progress(
            String taskId, String status, int percent, String message, int totalFrames, int currentFrame, Instant at) {
        Map<String, Object> frame = of(MessageType.GPU_TASK_PROGRESS);
        frame.put("task_id", taskId);
        frame.put("status", status);
        frame.put("progress", percent);
        frame.put("message", message == null ? "" : message);
        frame.put("total_frames", totalFrames);
        frame.put("current_frame", currentFrame);
        frame.put("ts", at.getEpochSecond());
        return frame;
    }

    public static Map<String, Object> taskActive(String taskId, String taskType, Instant now) {
        Map<String, Object> frame = of(MessageType.GPU_TASK_ACTIVE);
        frame.put("task_id", taskId);
        frame.put("task_type", taskType);
        frame.put("ts", now.getEpochSecond());
        return frame;
    }

    private static Map<String, Object> envelope(MessageType type, String source, String requestId, Instant now) {
        Map<String, Object> frame = of(type);
        frame.put("version", "1.0");
        frame.put("source", source);
        frame.put("target", "client");
        frame.put("ts", now.getEpochSecond());
        frame.put("request_id", requestId);
        frame.put("trace_id", uniqueId("trace_", now));
        return frame;
    }

    private static void putIfSet(Map<String, Object> frame, String field, Object value) {
        if (value != null) {
            frame.put(field, value);
        }
    }
}
