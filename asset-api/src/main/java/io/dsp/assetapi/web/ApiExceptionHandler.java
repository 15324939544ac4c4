package io.dsp.assetapi.web;

import io.dsp.assetapi.observe.RejectionMetrics;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * The one place that turns failures into the edge's envelope. Legacy paths answer HTTP 200 with a failure body, as the
 * PHP API did; {@code /api/v1} and {@code /admin} paths carry the matching HTTP status as well, and so do the GPU
 * server's own client paths the API serves ({@link GpuPaths}), with the status as {@code code}, as that server did.
 */
@RestControllerAdvice
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    private final RejectionMetrics metrics;

    ApiExceptionHandler(RejectionMetrics metrics) {
        this.metrics = metrics;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ApiResponse> refused(ApiException e, HttpServletRequest request) {
        return respond(request, e.status(), e.getMessage());
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, MissingServletRequestParameterException.class})
    ResponseEntity<ApiResponse> unreadable(Exception e, HttpServletRequest request) {
        return respond(request, HttpStatus.BAD_REQUEST, "请求格式错误: 需要 JSON 对象");
    }

    @ExceptionHandler(ServletRequestBindingException.class)
    ResponseEntity<ApiResponse> badRequest(Exception e, HttpServletRequest request) {
        return respond(request, HttpStatus.BAD_REQUEST, "请求格式错误");
    }

    /** The envelope is JSON whatever the client accepts: a refusal must still reach it (and never be a 500). */
    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ApiResponse> notAcceptable(Exception e, HttpServletRequest request) {
        return respond(request, HttpStatus.NOT_ACCEPTABLE, "不支持的响应格式: 仅提供 application/json");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ApiResponse> badParameter(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        return respond(request, HttpStatus.BAD_REQUEST, "参数格式错误: " + e.getName());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiResponse> mediaType(Exception e, HttpServletRequest request) {
        return respond(request, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "请求格式错误: Content-Type 应为 application/json");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiResponse> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        return respond(request, HttpStatus.METHOD_NOT_ALLOWED, "不支持的请求方法: " + e.getMethod());
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ApiResponse> tooLarge(MaxUploadSizeExceededException e, HttpServletRequest request) {
        return respond(request, HttpStatus.PAYLOAD_TOO_LARGE, "文件过大");
    }

    @ExceptionHandler({MultipartException.class, MissingServletRequestPartException.class})
    ResponseEntity<ApiResponse> notMultipart(Exception e, HttpServletRequest request) {
        return respond(request, HttpStatus.BAD_REQUEST, "请求格式错误: 需要 multipart/form-data");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ApiResponse> notFound(Exception e, HttpServletRequest request) {
        metrics.rejected(HttpStatus.NOT_FOUND);
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ApiResponse.fail(404, "接口不存在"));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiResponse> unexpected(Exception e, HttpServletRequest request) {
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(request, HttpStatus.INTERNAL_SERVER_ERROR, "服务器内部错误，请稍后重试");
    }

    private ResponseEntity<ApiResponse> respond(HttpServletRequest request, HttpStatus status, String message) {
        metrics.rejected(status);
        // JSON even when the client asked for something else (an event stream), so the refusal still reads.
        if (request.getRequestURI().startsWith("/api/v1/")
                || request.getRequestURI().startsWith("/admin/")
                || request.getRequestURI().startsWith("/internal/")
                || GpuPaths.answersLikeTheGpu(request.getRequestURI())) {
            return ResponseEntity.status(status)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(ApiResponse.fail(status.value(), message));
        }
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(ApiResponse.fail(ApiResponse.FAIL, message));
    }
}
