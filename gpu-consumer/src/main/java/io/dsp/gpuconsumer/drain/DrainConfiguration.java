package io.dsp.gpuconsumer.drain;

import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.slot.SlotPool;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Operators' drain commands, read from {@code dsp.worker-commands} outside any group: the whole compacted topic at
 * start-up, before the slots start (phase -1), then as commands arrive. A start-up read that is late does not stop
 * the worker: it starts undrained and applies the command when it is read.
 */
@Configuration(proxyBeanMethods = false)
class DrainConfiguration {

    /** Before the slots, so that a drained worker starts drained. */
    static final int PHASE = -1;

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(30);

    @Bean
    @DependsOn("sharedTopics")
    TopicView workerCommandView(
            KafkaAdmin kafkaAdmin, WorkerIdentity identity, SlotPool slots, MeterRegistry meters, Clock clock) {
        DrainCommands commands = new DrainCommands(identity, slots);
        return TopicView.builder("worker-commands", kafkaAdmin.getConfigurationProperties())
                .follow(Topics.WORKER_COMMANDS, StartRule.beginning(), commands::apply)
                .onCaughtUp(commands::caughtUp)
                .startupWait(STARTUP_WAIT, false)
                .meters(meters)
                .clock(clock)
                .phase(PHASE)
                .build();
    }
}
