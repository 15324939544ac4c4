package io.dsp.assetapi.heygem;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.result.TaskResults;
import io.dsp.assetapi.task.TaskView;
import io.dsp.assetapi.web.ApiException;
import io.dsp.assetapi.web.GpuPaths;
import io.dsp.core.license.LicenseValidity;
import io.dsp.core.store.ResultLinks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.event.OutcomeFence;
import jakarta.servlet.http.HttpServletRequest;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HeyGem GPU server's own client paths, served by the API in that server's shapes (legacy protocol, section 4.3),
 * so that an app whose synthesis-server URL points at the API follows and downloads unchanged:
 * {@code GET /api/heygem/progress?task_id=} and {@code GET /api/heygem/download?task_id=}. A download is authorised by
 * the license's headers (its own tasks only) or by a signed link ({@code expires} + {@code sig}, what
 * {@code result_url} is), which video players can open without headers; the apps' {@code &token=} is ignored.
 */
@RestController
class HeyGemResultController {

    static final String AUTH_FAILED = "鉴权失败";

    private final TaskResults results;
    private final ResultLinks links;
    private final ReadModels readModels;
    private final Clock clock;

    HeyGemResultController(TaskResults results, ResultLinks links, ReadModels readModels, Clock clock) {
        this.results = results;
        this.links = links;
        this.readModels = readModels;
        this.clock = clock;
    }

    private void refuseUnlessValid(String licenseKey) {
        boolean valid = readModels
                .license(licenseKey)
                .map(license -> LicenseValidity.of(license, clock.instant()) == LicenseValidity.VALID)
                .orElse(false);
        if (!valid) {
            throw new ApiException(HttpStatus.FORBIDDEN, "卡密已禁用或已过期");
        }
    }

    @GetMapping(GpuPaths.DOWNLOAD)
    ResponseEntity<Resource> download(
            @RequestParam(value = "task_id", required = false) String taskId,
            @RequestParam(value = "expires", required = false) String expires,
            @RequestParam(value = "sig", required = false) String sig,
            HttpServletRequest request) {
        if (taskId == null || taskId.isBlank()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "缺少 task_id");
        }
        String id = taskId.strip();
        Predicate<TaskLife> mayRead;
        if (sig != null) {
            // a signed link is its own credential (the guard let it through): it names this task and is unexpired
            if (!links.verify(id, expires, sig)) {
                throw new ApiException(HttpStatus.UNAUTHORIZED, AUTH_FAILED);
            }
            mayRead = life -> true;
            // a link outlives nothing its license may no longer do: a disabled or expired license's links stop
            readModels.taskLife(id).ifPresent(life -> refuseUnlessValid(life.getLicenseKey()));
        } else {
            AuthenticatedLicense license = AuthenticatedLicense.of(request);
            mayRead = life -> life.getLicenseKey().equals(license.licenseKey());
            id = readModels.ownTaskId(license.licenseKey(), id);
        }
        TaskResults.Lookup lookup = results.lookup(id, mayRead);
        if (lookup instanceof TaskResults.Ready ready) {
            return ready.response("inline");
        }
        if (lookup instanceof TaskResults.Unfinished unfinished) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "任务尚未完成 (当前状态: " + gpuStatus(unfinished.life()) + ")");
        }
        if (lookup instanceof TaskResults.Gone) {
            throw new ApiException(HttpStatus.NOT_FOUND, "结果文件不存在");
        }
        throw new ApiException(HttpStatus.NOT_FOUND, "任务 " + id + " 不存在");
    }

    /** The GPU server's {@code /progress} reply, from the task's life in the read model. */
    @GetMapping(GpuPaths.PROGRESS)
    Map<String, Object> progress(
            @RequestParam(value = "task_id", required = false) String taskId, HttpServletRequest request) {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        if (taskId == null || taskId.isBlank()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "缺少 task_id");
        }
        String id = taskId.strip();
        TaskLife life = readModels
                .ownTaskLife(license.licenseKey(), id)
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "任务 " + id + " 不存在"));
        TaskView view = TaskView.of(life, readModels.queueFacts(life.getLicenseKey()));
        String status = HeyGemController.legacyStatus(view.status());
        TaskEvent latestProgress = life.getEvents().stream()
                .filter(e -> e.getProgress() != null)
                .reduce((a, b) -> b)
                .orElse(null);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task_id", id);
        data.put("status", status);
        data.put("progress", percent(status, view));
        data.put("message", message(status, view));
        data.put(
                "total_frames",
                latestProgress == null ? 0 : latestProgress.getProgress().getTotalFrames());
        data.put(
                "current_frame",
                latestProgress == null ? 0 : latestProgress.getProgress().getCurrentFrame());
        data.put("queue_position", view.queuePosition());
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("queued", view.waitingInQueue() == null ? 0 : view.waitingInQueue());
        data.put("queue", queue);
        data.put(
                "created_at",
                seconds(first(life, TaskEventType.ACCEPTED)
                        .orElse(life.getEvents().get(0))));
        data.put(
                "started_at",
                first(life, TaskEventType.STARTED)
                        .map(HeyGemResultController::seconds)
                        .orElse(null));
        data.put(
                "finished_at",
                OutcomeFence.outcome(life.getEvents())
                        .map(HeyGemResultController::seconds)
                        .orElse(null));
        data.put("error", "error".equals(status) ? view.errorMessage() : null);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("code", 0);
        answer.put("data", data);
        return answer;
    }

    private static String gpuStatus(TaskLife life) {
        return HeyGemController.legacyStatus(TaskView.of(life).status());
    }

    private static int percent(String status, TaskView view) {
        return switch (status) {
            case "done" -> 100;
            case "error" -> 0;
            default -> view.progress() == null ? 0 : view.progress();
        };
    }

    /** The GPU server's words where the task gave none. */
    private static String message(String status, TaskView view) {
        return switch (status) {
            case "done" -> "合成完成";
            case "error" -> "合成失败: " + (view.errorMessage() == null ? "未知错误" : view.errorMessage());
            case "queued" -> view.queuePosition() == null ? "排队等待中..." : "排队等待中... (第" + view.queuePosition() + "位)";
            default -> view.progressMessage() == null ? "处理中..." : view.progressMessage();
        };
    }

    private static Optional<TaskEvent> first(TaskLife life, TaskEventType type) {
        return life.getEvents().stream().filter(e -> e.getType() == type).findFirst();
    }

    /** Epoch seconds with a fraction, as the GPU server's records are. */
    /** Epoch seconds with millisecond decimals, written plainly (a double would print as 1.796E9). */
    private static BigDecimal seconds(TaskEvent event) {
        Instant at = event.getAt();
        return BigDecimal.valueOf(at.toEpochMilli(), 3);
    }
}
