package io.dsp.assetapi.task;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.web.ApiException;
import io.dsp.assetapi.web.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/tasks/{request_id}}: the whole life of one of the caller's tasks. */
@RestController
class TaskStatusController {

    private static final String NOT_FOUND = "任务不存在或已过期";

    private final ReadModels readModels;

    TaskStatusController(ReadModels readModels) {
        this.readModels = readModels;
    }

    @GetMapping("/api/v1/tasks/{requestId}")
    ApiResponse status(@PathVariable String requestId, HttpServletRequest request) {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        return readModels
                .taskLife(requestId)
                // Another license's task is answered exactly like a missing one, so ids cannot be probed.
                .filter(life -> life.getLicenseKey().equals(license.licenseKey()))
                .map(life -> ApiResponse.ok("ok", TaskView.of(life)))
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, NOT_FOUND));
    }
}
