package io.dsp.assetapi.limits;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.web.ApiException;
import io.dsp.core.license.QuotaLimiter;
import io.dsp.core.license.QuotaLimiter.Quota;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/** Refuses a license's submission over its rate, in the legacy envelope (HTTP 429 on {@code /api/v1}). */
@Component
class RateLimitInterceptor implements HandlerInterceptor {

    static final String MESSAGE = "请求过于频繁，请稍后重试";

    private final QuotaLimiter limiter;
    private final LimitSettings settings;

    RateLimitInterceptor(QuotaLimiter limiter, LimitSettings settings) {
        this.limiter = limiter;
        this.settings = settings;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!"POST".equals(request.getMethod())) {
            return true;
        }
        String licenseKey = AuthenticatedLicense.of(request).licenseKey();
        if (!limiter.tryAcquire(Quota.REQUESTS, licenseKey, settings.requestsPerWindow(), settings.window())) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, MESSAGE);
        }
        return true;
    }
}
