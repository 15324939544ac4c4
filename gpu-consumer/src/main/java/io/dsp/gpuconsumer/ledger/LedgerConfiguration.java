package io.dsp.gpuconsumer.ledger;

import io.dsp.core.ledger.KafkaTaskLedger;
import io.dsp.core.view.StartRule;
import io.dsp.gpuconsumer.WorkerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The worker's task ledger (ADR 006): the whole of {@code dsp.task-events}, read before the slots start (phase -1)
 * and required: a worker that cannot read it in {@code startup-timeout} refuses to start, since none of its tasks
 * could be checked.
 */
@Configuration(proxyBeanMethods = false)
class LedgerConfiguration {

    /** Starts before the slots (which ask it before every task) and stops after them. */
    static final int PHASE = -1;

    @Bean
    @DependsOn("sharedTopics")
    KafkaTaskLedger taskLedger(KafkaAdmin kafkaAdmin, LedgerSettings settings, MeterRegistry meters) {
        KafkaTaskLedger ledger = new KafkaTaskLedger(
                kafkaAdmin.getConfigurationProperties(),
                StartRule.beginning(),
                settings.startupTimeout(),
                true,
                settings.catchUpTimeout(),
                meters,
                PHASE);
        Gauge.builder(WorkerMetrics.LEDGER_TASKS, ledger, KafkaTaskLedger::size)
                .description("tasks whose history the worker's task ledger holds")
                .register(meters);
        return ledger;
    }
}
