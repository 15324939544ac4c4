package io.dsp.gateway.client;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-license limit on high-priority submissions over WebSocket, so that priority cannot be abused. With Redis the
 * counts are the ones asset-api keeps ({@code dsp:rate-high:<hash>:<window>}), so HTTP and WebSocket submissions of a
 * license share one quota when both edges use the same window.
 *
 * @param perWindow high-priority submissions one license may make per window; default 10; {@code 0} refuses all
 * @param window length of the fixed counting window; default 1 min (asset-api's {@code dsp.asset-api.limits.window})
 */
@Validated
@ConfigurationProperties("dsp.gateway.high-priority")
public record HighPriorityQuotaSettings(
        @Min(0) @DefaultValue("10") int perWindow,
        @NotNull @DefaultValue("1m") Duration window) {}
