package io.dsp.assetapi.limits;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.web.ApiException;
import io.dsp.core.license.QuotaLimiter;
import io.dsp.core.license.QuotaLimiter.Quota;
import io.dsp.schemas.avro.Priority;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Per-license limit on high-priority submissions ({@code dsp.asset-api.limits.high-per-window}), counted in the same
 * windows and store as the plain rate limit (and as the gateway's), so a license cannot jump every queue with every task.
 */
@Component
public class HighPriorityQuota {

    static final String MESSAGE = "高优先级任务提交过于频繁，请稍后重试或使用普通优先级";

    private final QuotaLimiter limiter;
    private final LimitSettings settings;

    HighPriorityQuota(QuotaLimiter limiter, LimitSettings settings) {
        this.limiter = limiter;
        this.settings = settings;
    }

    /** Counts a high-priority submission; refuses it (HTTP 429, legacy envelope) over the license's quota. */
    public void acquire(AuthenticatedLicense license, Priority priority) {
        if (priority != Priority.HIGH) {
            return;
        }
        if (!limiter.tryAcquire(
                Quota.HIGH_PRIORITY, license.licenseKey(), settings.highPerWindow(), settings.window())) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, MESSAGE);
        }
    }
}
