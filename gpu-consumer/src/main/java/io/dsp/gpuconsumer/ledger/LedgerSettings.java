package io.dsp.gpuconsumer.ledger;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the task ledger, the worker's copy of {@code dsp.task-events}.
 *
 * @param startupTimeout how long start-up may take to read the topic from the horizon on before the worker takes any
 *     task; the worker refuses to start after that; default 5 min
 * @param catchUpTimeout how long one look before a task may wait for the copy to reach the topic's end; a task that
 *     cannot be checked in time is not run but released; default 10 s
 * @param openAttemptWait how long a slot holds a task whose attempt on another worker is still open (started, no
 *     outcome) before running it: a broker restart hands a task on while the worker that ran it is still reporting;
 *     a worker that died never reports, so its tasks run this much later; default 10 s
 * @param horizon how far back the ledger reaches (ADR 024): at start it reads the events of the last {@code horizon},
 *     and while it runs it forgets every task without an event for longer (checked every 5 min), so start-up time and
 *     memory follow the tasks of the horizon, not the topic's 30 days. A redelivery or duplicate of a task that ended
 *     longer ago runs again, so it must be longer than the longest task deadline
 *     ({@code dsp.gpu-consumer.deadlines}, 2 h for {@code heygem_submit}) plus lock times, with room for a broker
 *     outage; the worker refuses to start with one not longer than its longest deadline; a duration, default 24 h
 */
@Validated
@ConfigurationProperties("dsp.gpu-consumer.ledger")
public record LedgerSettings(
        @NotNull @DefaultValue("5m") Duration startupTimeout,
        @NotNull @DefaultValue("10s") Duration catchUpTimeout,
        @NotNull @DefaultValue("10s") Duration openAttemptWait,

        @NotNull @DurationMin(millis = 0, inclusive = false) @DefaultValue("24h")
        Duration horizon) {}
