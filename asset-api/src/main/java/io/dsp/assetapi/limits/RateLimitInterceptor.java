package io.dsp.assetapi.limits;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/** Refuses a license's submission over its rate, in the legacy envelope (HTTP 429 on {@code /api/v1}). */
@Component
class RateLimitInterceptor implements HandlerInterceptor {

    static final String MESSAGE = "请求过于频繁，请稍后重试";

    private final RateLimiter limiter;

    RateLimitInterceptor(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!"POST".equals(request.getMethod())) {
            return true;
        }
        if (!limiter.tryAcquire(AuthenticatedLicense.of(request).licenseKey())) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, MESSAGE);
        }
        return true;
    }
}
