package io.dsp.assetapi.web;

import io.dsp.assetapi.observe.RejectionMetrics;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Failures that happen outside a controller (the servlet container's own refusals, a filter) are answered in the
 * legacy envelope too, with the container's status, instead of Spring Boot's default error JSON. Replaces Boot's
 * {@code BasicErrorController}.
 */
@RestController
class LegacyErrorController implements ErrorController {

    private final RejectionMetrics metrics;

    LegacyErrorController(RejectionMetrics metrics) {
        this.metrics = metrics;
    }

    @RequestMapping("/error")
    ResponseEntity<ApiResponse> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value ? HttpStatus.resolve(value) : null;
        if (status == null || !status.isError()) {
            status = HttpStatus.BAD_REQUEST;
        }
        metrics.rejected(status);
        String message = status.is5xxServerError() ? "服务器内部错误，请稍后重试" : "请求无效";
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .body(ApiResponse.fail(status.value(), message));
    }
}
