package io.dsp.gateway.routing;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
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
 * @param replayAtStart task events of this long before the instance started are routed again at its start, so a
 *     result that ended while no instance ran reaches its client when it reconnects. At least once: a result an earlier
 *     instance delivered within this window just before it stopped arrives again. 0 turns it off; default 15 s
 */
@Validated
@ConfigurationProperties("dsp.gateway.results")
public record ResultDeliverySettings(
        @NotNull @DurationMin(millis = 0, inclusive = false) @DefaultValue("2m")
        Duration holdFor,

        @Min(1) @Max(100_000) @DefaultValue("1000") int heldPerLicense,

        @NotNull @DurationMin(millis = 0) @DefaultValue("15s")
        Duration replayAtStart) {}
