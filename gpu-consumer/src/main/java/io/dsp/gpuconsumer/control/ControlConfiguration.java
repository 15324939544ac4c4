package io.dsp.gpuconsumer.control;

import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The worker's cancellations, read from {@code dsp.task-control} outside any group (every worker reads every command,
 * since any of them may hold the task): from the memory window back at start-up, so a cancel sent while this worker
 * was down still counts, then as commands arrive. The start-up read happens before the slots start (phase -1) but
 * does not hold them up for longer than {@code startup-timeout}: a cancel read later acts on the running task.
 */
@Configuration(proxyBeanMethods = false)
class ControlConfiguration {

    /** Before the slots, which consult the cancellations read. */
    static final int PHASE = -1;

    @Bean
    Cancellations cancellations(ControlSettings settings, Clock clock) {
        return new Cancellations(settings, clock);
    }

    @Bean
    @DependsOn("sharedTopics")
    TopicView taskControlView(
            KafkaAdmin kafkaAdmin,
            Cancellations cancellations,
            ControlSettings settings,
            MeterRegistry meters,
            Clock clock) {
        return TopicView.builder("task-control", kafkaAdmin.getConfigurationProperties())
                .followValues(Topics.TASK_CONTROL, StartRule.lookBack(settings.cancelMemory()), cancellations::apply)
                .startupWait(settings.startupTimeout(), false)
                .meters(meters)
                .clock(clock)
                .phase(PHASE)
                .build();
    }
}
