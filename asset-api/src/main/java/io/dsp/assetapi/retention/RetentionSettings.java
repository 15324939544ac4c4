package io.dsp.assetapi.retention;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long files are kept, modelled on the GPU server's file pool (legacy spec 4.1 and 4.5). The other lifetimes
 * are set where they are used: an asset's with {@code dsp.asset-api.assets.ttl} (30 days, the legacy {@code
 * asset_ttl_seconds}, the same that the asset list's {@code days_left} counts down), a result's with {@code
 * dsp.results.ttl} (24 h), and the free space uploads leave with {@code dsp.asset-api.blobs.min-free-space} (1 GB).
 *
 * @param enabled whether this instance sweeps on its own schedule; several instances may all sweep the same volume
 *     safely; default true
 * @param stagedTtl how long a blob no live asset references is kept after its last use (upload, re-upload, {@code
 *     check_files} hit, a worker's fetch), the legacy {@code file_ttl_seconds}; default 24 h, at least 1 min
 * @param sweepInterval time between sweeps, the legacy {@code cleanup_interval_seconds}; the first runs one interval
 *     (at most 1 min) after start; default 1 h, at least 1 s
 */
@Validated
@ConfigurationProperties("dsp.asset-api.retention")
public record RetentionSettings(
        @DefaultValue("true") boolean enabled,

        @NotNull @DurationMin(minutes = 1) @DefaultValue("24h")
        Duration stagedTtl,

        @NotNull @DurationMin(seconds = 1) @DefaultValue("1h")
        Duration sweepInterval) {}
