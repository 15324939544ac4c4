package io.dsp.assetapi.limits;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-license limits on submissions (task, upload, delete and staging calls).
 *
 * @param requestsPerWindow submissions one license may make per window, counted in Redis across instances when
 *     {@code spring.data.redis.host} is set, else per instance; default 60
 * @param window length of a rate window (fixed windows); default 1 minute
 */
@Validated
@ConfigurationProperties("dsp.asset-api.limits")
public record LimitSettings(
        @Positive @DefaultValue("60") int requestsPerWindow,
        @NotNull @DefaultValue("1m") Duration window) {}
