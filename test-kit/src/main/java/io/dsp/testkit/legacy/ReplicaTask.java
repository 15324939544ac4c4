package io.dsp.testkit.legacy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One task record of the HeyGem server replica, with the fields {@code run_server.py} keeps (legacy spec 4.4).
 * Mutated only under the replica's lock; {@link #progressData} copies it for a reply.
 */
final class ReplicaTask {

    final String taskId;
    final String audioHash;
    final String audioExt;
    final String videoHash;
    final String videoExt;
    /** {@code _license_key}: only tasks that have one get WebSocket progress pushes. */
    final String licenseKey;
    /** {@code _sender_fd}, echoed in progress pushes. */
    final Integer senderFd;

    final String cacheKey;
    String status = "queued";
    int progress;
    String message = "等待可用 GPU 槽位...";
    int totalFrames;
    int currentFrame;
    String error;
    final double createdAt;
    Double startedAt;
    Double finishedAt;
    Path resultPath;

    ReplicaTask(
            String taskId,
            String audioHash,
            String audioExt,
            String videoHash,
            String videoExt,
            String licenseKey,
            Integer senderFd,
            String cacheKey,
            double createdAt) {
        this.taskId = taskId;
        this.audioHash = audioHash;
        this.audioExt = audioExt;
        this.videoHash = videoHash;
        this.videoExt = videoExt;
        this.licenseKey = licenseKey;
        this.senderFd = senderFd;
        this.cacheKey = cacheKey;
        this.createdAt = createdAt;
    }

    boolean active() {
        return "processing".equals(status) || "synthesizing".equals(status) || "encoding".equals(status);
    }

    /** The fields of a {@code gpu.task.progress} push (spec 2.6), without type and ts. */
    Map<String, Object> pushFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("task_id", taskId);
        fields.put("key", licenseKey);
        fields.put("sender_fd", senderFd == null ? 0 : senderFd);
        fields.put("status", status);
        fields.put("progress", progress);
        fields.put("message", message);
        fields.put("total_frames", totalFrames);
        fields.put("current_frame", currentFrame);
        return fields;
    }

    /**
     * The {@code data} of {@code /progress}: the stored record, recomputed while queued or processing below 95 %
     * as the server does (spec 4.4): queue text with the position, preprocessing estimate before the first frame,
     * {@code synthesizing} with frame numbers after it.
     */
    Map<String, Object> progressData(int queuePosition, Map<String, Object> queue, double now) {
        String shownStatus = status;
        int shownProgress = progress;
        String shownMessage = message;
        if ("queued".equals(status)) {
            shownProgress = Math.min(5, 1 + (int) ((now - createdAt) / 10));
            shownMessage = "排队等待中... (第" + queuePosition + "位)";
        } else if ("processing".equals(status) && progress < 95) {
            if (currentFrame == 0) {
                int elapsed = (int) (now - (startedAt == null ? now : startedAt));
                shownProgress = Math.max(progress, Math.min(20, 5 + elapsed / 2));
                shownMessage = "预处理中... (" + elapsed + "s)";
            } else {
                shownStatus = "synthesizing";
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task_id", taskId);
        data.put("status", shownStatus);
        data.put("progress", shownProgress);
        data.put("message", shownMessage);
        data.put("total_frames", totalFrames);
        data.put("current_frame", currentFrame);
        data.put("queue_position", "queued".equals(status) ? queuePosition : 0);
        data.put("queue", queue);
        data.put("created_at", createdAt);
        data.put("started_at", startedAt);
        data.put("finished_at", finishedAt);
        data.put("error", error);
        return data;
    }
}
