package io.dsp.gpuconsumer.ledger;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the task ledger, the worker's copy of {@code dsp.task-events}.
 *
 * @param startupTimeout how long start-up may take to read the whole topic before the worker takes any task; the
 *     worker refuses to start after that; default 5 min
 * @param catchUpTimeout how long one look before a task may wait for the copy to reach the topic's end; a task that
 *     cannot be checked in time is not run but released; default 10 s
 * @param openAttemptWait how long a slot holds a task whose attempt on another worker is still open (started, no
 *     outcome) before running it: a broker restart hands a task on while the worker that ran it is still reporting;
 *     a worker that died never reports, so its tasks run this much later; default 10 s
 */
@Validated
@ConfigurationProperties("dsp.gpu-consumer.ledger")
public record LedgerSettings(
        @NotNull @DefaultValue("5m") Duration startupTimeout,
        @NotNull @DefaultValue("10s") Duration catchUpTimeout,
        @NotNull @DefaultValue("10s") Duration openAttemptWait) {}
