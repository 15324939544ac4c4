package io.dsp.gateway.routing;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a gateway gets results to clients that are not connected when their task ends: a gateway restart, a client
 * reconnecting after a network cut.
 *
 * @param holdFor how long a result whose license has no client connection on this instance is kept for the license's
 *     next client here (its first register after the end gets it); a duration, default 2 min
 * @param heldPerLicense at most this many results are kept per license, the oldest dropped first; default 1000
 * @param replayAtStart at its start an instance routes again the task events written since a gateway instance was
 *     last heard on the relay, and this much before that, so a result that ended while no instance ran (a crash, a
 *     restart, the whole tier down) reaches its client when it reconnects. At least once: a result an earlier
 *     instance delivered within this margin just before it stopped arrives again. 0 turns the replay off; default
 *     15 s
 * @param replayAtMost the replay at start never reaches further back than this, nor when no gateway was ever heard (a
 *     first start, a relay that cannot be read); a duration, default 10 min
 */
@Validated
@ConfigurationProperties("dsp.gateway.results")
public record ResultDeliverySettings(
        @NotNull @DurationMin(millis = 0, inclusive = false) @DefaultValue("2m")
        Duration holdFor,

        @Min(1) @Max(100_000) @DefaultValue("1000") int heldPerLicense,

        @NotNull @DurationMin(millis = 0) @DefaultValue("15s")
        Duration replayAtStart,

        @NotNull @DurationMin(millis = 0) @DefaultValue("10m")
        Duration replayAtMost) {

    /**
     * How far back task events are routed again at a start at {@code now}, a gateway last heard at {@code lastHeard}:
     * the silence plus the margin, within the margin and the most.
     */
    public Duration replayFor(Instant now, Optional<Instant> lastHeard) {
        if (replayAtStart.isZero()) {
            return Duration.ZERO;
        }
        Duration wanted = lastHeard
                .map(heard -> heard.isAfter(now)
                        ? replayAtStart
                        : Duration.between(heard, now).plus(replayAtStart))
                .orElse(replayAtMost);
        Duration atLeast = replayAtStart.compareTo(replayAtMost) > 0 ? replayAtMost : replayAtStart;
        if (wanted.compareTo(replayAtMost) > 0) {
            return replayAtMost;
        }
        return wanted.compareTo(atLeast) < 0 ? atLeast : wanted;
    }
}
