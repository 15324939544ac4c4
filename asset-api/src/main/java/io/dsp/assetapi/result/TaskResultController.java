package io.dsp.assetapi.result;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.web.ApiException;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/tasks/{request_id}/result}: the file a finished task produced, for its own license (another
 * license's task is answered as unknown). Range requests (206), {@code ETag} (the SHA-256; {@code If-None-Match} gives
 * 304) and {@code Content-Disposition: attachment} come from Spring MVC's resource handling.
 */
@RestController
class TaskResultController {

    static final String NOT_FOUND = "任务不存在或已过期";
    static final String GONE = "结果文件不存在";

    private final TaskResults results;
    private final io.dsp.assetapi.readmodel.ReadModels readModels;

    TaskResultController(TaskResults results, io.dsp.assetapi.readmodel.ReadModels readModels) {
        this.results = results;
        this.readModels = readModels;
    }

    @GetMapping("/api/v1/tasks/{requestId}/result")
    ResponseEntity<Resource> result(@PathVariable String requestId, jakarta.servlet.http.HttpServletRequest request) {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        TaskResults.Lookup lookup = results.lookup(
                readModels.ownTaskId(license.licenseKey(), requestId),
                life -> life.getLicenseKey().equals(license.licenseKey()));
        if (lookup instanceof TaskResults.Ready ready) {
            return ready.response("attachment");
        }
        if (lookup instanceof TaskResults.Unfinished) {
            throw new ApiException(HttpStatus.CONFLICT, "任务尚未完成");
        }
        throw new ApiException(HttpStatus.NOT_FOUND, lookup instanceof TaskResults.Gone ? GONE : NOT_FOUND);
    }
}
