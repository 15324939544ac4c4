package io.dsp.gateway.routing;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How much of the fleet's task ledger ({@code dsp.task-events}) a starting gateway reads before its slots hand tasks to
 * legacy workers.
 *
 * @param lookback events of {@code dsp.task-events} written this long before start are read into the task ledger
 *     before the endpoint opens (then it follows the topic), so a task whose acknowledgement was lost (a broker crash,
 *     this instance's restart) is not run a second time on a legacy worker; default 30 min. Longer covers older
 *     redeliveries at the cost of a slower start.
 */
@Validated
@ConfigurationProperties("dsp.gateway.outcomes")
public record OutcomeSettings(@NotNull @DefaultValue("30m") Duration lookback) {}
