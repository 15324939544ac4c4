package io.dsp.gpuconsumer.ledger;

import io.dsp.core.ledger.KafkaTaskLedger;
import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.gpuconsumer.execution.TaskDeadlines;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The worker's task ledger (ADR 006): {@code dsp.task-events} from its horizon on (ADR 024), read before the slots
 * start (phase -1) and required: a worker that cannot read it in {@code startup-timeout} refuses to start, since none
 * of its tasks could be checked.
 */
@Configuration(proxyBeanMethods = false)
class LedgerConfiguration {

    /** Starts before the slots (which ask it before every task) and stops after them. */
    static final int PHASE = -1;

    @Bean
    @DependsOn("sharedTopics")
    KafkaTaskLedger taskLedger(
            KafkaAdmin kafkaAdmin,
            LedgerSettings settings,
            TaskDeadlines deadlines,
            Clock clock,
            MeterRegistry meters) {
        requireHorizonBeyond(settings.horizon(), deadlines);
        KafkaTaskLedger ledger = new KafkaTaskLedger(
                kafkaAdmin.getConfigurationProperties(),
                settings.horizon(),
                settings.startupTimeout(),
                true,
                settings.catchUpTimeout(),
                clock,
                meters,
                PHASE);
        Gauge.builder(WorkerMetrics.LEDGER_TASKS, ledger, KafkaTaskLedger::size)
                .description("tasks whose history the worker's task ledger holds")
                .register(meters);
        return ledger;
    }

    /**
     * A task runs at most its deadline with its lock renewed, so its STARTED is at most that old while it runs: a
     * horizon that is not longer would forget attempts still open, and a task could run beside itself after a broker
     * restart (ADR 006 rule 6, ADR 023).
     */
    static void requireHorizonBeyond(Duration horizon, TaskDeadlines deadlines) {
        Duration longest = Stream.concat(Stream.of(deadlines.fallback()), deadlines.types().values().stream())
                .max(Duration::compareTo)
                .orElseThrow();
        if (horizon.compareTo(longest) <= 0) {
            throw new IllegalStateException("dsp.gpu-consumer.ledger.horizon (" + horizon
                    + ") must be longer than the longest task deadline (" + longest
                    + "): a running task's attempt would be forgotten (ADR 024)");
        }
    }
}
