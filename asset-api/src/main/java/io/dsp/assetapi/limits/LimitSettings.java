package io.dsp.assetapi.limits;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-license limits on submissions (task, upload, delete and staging calls).
 *
 * @param requestsPerWindow submissions one license may make per window, counted in Redis across instances when
 *     {@code spring.data.redis.host} is set, else (and while that Redis is out, ADR 022) per instance; default 60
 * @param window length of a rate window (fixed windows); default 1 minute
 * @param inFlight most unfinished tasks of a type one license may have at once, by task type ({@code 0} or unlisted: no
 *     cap); default {@code heygem_submit: 1}, the legacy rule. Bracket keys with underscores, or Spring drops the
 *     underscore: {@code dsp.asset-api.limits.in-flight[heygem_submit]=2}
 * @param highPerWindow high-priority submissions one license may make per window (counted like
 *     {@code requestsPerWindow}, in Redis when configured), so that priority cannot be abused; {@code 0} refuses every
 *     high-priority submission; default 10
 * @param inFlightExpiry an unfinished task stops counting against its cap after this long, so a lost task cannot block
 *     a license for ever (the legacy guard used 600 s); default 2 hours
 */
@Validated
@ConfigurationProperties("dsp.asset-api.limits")
public record LimitSettings(
        @Positive @DefaultValue("60") int requestsPerWindow,
        @NotNull @DefaultValue("1m") Duration window,
        Map<String, Integer> inFlight,
        @NotNull @DefaultValue("2h") Duration inFlightExpiry,
        @PositiveOrZero @DefaultValue("10") int highPerWindow) {

    public LimitSettings {
        // A map default cannot be written in @DefaultValue (and the binder may hand over an empty map): this is the
        // legacy one-synthesis-at-a-time rule; set a type to 0 to lift its cap.
        inFlight = inFlight == null || inFlight.isEmpty() ? Map.of("heygem_submit", 1) : Map.copyOf(inFlight);
    }

    /** The cap of a task type; 0 means none. */
    public int capOf(String taskType) {
        return inFlight.getOrDefault(taskType, 0);
    }
}
