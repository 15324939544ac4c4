package io.dsp.assetapi.task;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.web.ApiException;
import io.dsp.assetapi.web.ApiResponse;
import io.dsp.schemas.avro.TaskLife;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/tasks/{request_id}/cancel}: asks whoever holds the task to stop it ({@link CancelRequests}). The
 * dispatcher skips a waiting task and a worker stops a running one; that actor records the terminal {@code CANCELLED}
 * step, which status then shows as {@code cancelled}, {@code done: true}.
 *
 * <p>Only the owning license may cancel (another license's task is answered exactly like a missing one). A finished task
 * is refused with 409 and nothing is written. A repeat answers the same and writes nothing more.
 */
@RestController
class TaskCancelController {

    static final String FINISHED = "任务已结束，无法取消";

    private final ReadModels readModels;
    private final CancelRequests cancels;
    private final Object[] stripes = Stream.generate(Object::new).limit(64).toArray();

    TaskCancelController(ReadModels readModels, CancelRequests cancels) {
        this.readModels = readModels;
        this.cancels = cancels;
    }

    @PostMapping("/api/v1/tasks/{requestId}/cancel")
    ResponseEntity<ApiResponse> cancel(@PathVariable String requestId, HttpServletRequest request) {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        // Repeats of one cancel on this instance queue behind each other, so only the first writes.
        synchronized (stripes[Math.floorMod(requestId.hashCode(), stripes.length)]) {
            TaskLife life = readModels
                    .ownTaskLife(license.licenseKey(), requestId)
                    .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, TaskStatusController.NOT_FOUND));
            TaskView view = TaskView.of(life);
            if (view.done()) {
                throw new ApiException(HttpStatus.CONFLICT, FINISHED + "（" + view.status() + "）");
            }
            if (!cancels.requested(requestId)) {
                cancels.send(life, license);
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("request_id", requestId);
            data.put("cancel_requested", true);
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(ApiResponse.ok("已请求取消", data));
        }
    }
}
