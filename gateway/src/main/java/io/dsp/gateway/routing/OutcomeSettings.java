package io.dsp.gateway.routing;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How much of the fleet's task ledger ({@code dsp.task-events}) a gateway holds for its legacy slots (ADR 024).
 *
 * @param horizon how far back the ledger reaches: the events of the last {@code horizon} are read at start (the
 *     endpoint waits up to 60 s for them, then the slots release what they cannot check until the ledger has caught
 *     up), and while it runs a task without an event for longer is forgotten (checked every 5 min). A task that ended
 *     within it is never handed to a legacy worker again, and an attempt still open within it is waited for (ADR 006,
 *     rule 6); it must be longer than the longest task deadline plus lock times, with room for a broker outage; a
 *     duration, default 24 h (replaces {@code dsp.gateway.outcomes.lookback}, 30 min, which was read at start only
 *     and never pruned)
 */
@Validated
@ConfigurationProperties("dsp.gateway.outcomes")
public record OutcomeSettings(
        @NotNull @DurationMin(millis = 0, inclusive = false) @DefaultValue("24h")
        Duration horizon) {}
