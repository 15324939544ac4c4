package io.dsp.gateway.client;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The legacy per-license, per-type guard on WebSocket submits, with the same caps as asset-api's HTTP ones
 * ({@code dsp.asset-api.limits.in-flight}).
 *
 * @param caps most unfinished tasks of a type one license may have at once, by task type ({@code 0} or unlisted: no
 *     cap); default {@code heygem_submit: 1}. Bracket keys with underscores: {@code dsp.gateway.in-flight.caps[heygem_submit]=2}
 * @param expiry an unfinished task stops counting after this long, so a lost task cannot block a license for ever;
 *     also how far back {@code dsp.task-events} is read at start; default 2 hours (asset-api's
 *     {@code in-flight-expiry})
 */
@Validated
@ConfigurationProperties("dsp.gateway.in-flight")
public record InFlightCapSettings(
        Map<String, Integer> caps,
        @NotNull @DefaultValue("2h") Duration expiry) {

    public InFlightCapSettings {
        caps = caps == null || caps.isEmpty() ? Map.of("heygem_submit", 1) : Map.copyOf(caps);
    }

    /** The cap of a task type; 0 means none. */
    public int capOf(String taskType) {
        return caps.getOrDefault(taskType, 0);
    }
}
