package io.dsp.dispatcher.fleet;

import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.dispatcher.DispatcherSettings;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
class FleetConfiguration {

    private static final Logger log = LoggerFactory.getLogger(FleetConfiguration.class);

    /** Before the release loop (phase 1), which waits for the view to catch up; stopped after it. */
    static final int PHASE = 0;

    @Bean
    FleetView fleetView(DispatcherSettings settings) {
        return new FleetView(settings.prefetch(), settings.inFlightExpiry());
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Keeps the {@link FleetView} current, outside any group (every dispatcher instance reads everything). The topics are
     * created first: a view does not open on a topic that does not exist (a fresh broker).
     */
    @Bean
    TopicView fleetFeed(
            KafkaAdmin admin,
            ConsumerFactory<byte[], byte[]> consumers,
            FleetView view,
            DispatcherSettings settings,
            MeterRegistry meters,
            Clock clock) {
        TopicProvisioner.provision(admin.getConfigurationProperties());
        return fleetFeed(consumers.getConfigurationProperties(), view, settings.inFlightExpiry(), clock)
                .meters(meters)
                .phase(PHASE)
                .build();
    }

    /**
     * The fleet view's topics, each with its start rule: {@code dsp.workers} whole (compacted), {@code dsp.task-events}
     * {@code inFlightExpiry} back from now (what may still be in flight), {@code dsp.task-control} whole. Read
     * committed, so DISPATCHED events of aborted releases never count.
     */
    static TopicView.Builder fleetFeed(
            Map<String, Object> kafkaConfig, FleetView view, Duration inFlightExpiry, Clock clock) {
        return TopicView.builder("dispatcher-fleet", kafkaConfig)
                .followEntries(Topics.WORKERS, StartRule.beginning(), view::presence)
                .followValues(Topics.TASK_EVENTS, StartRule.lookBack(inFlightExpiry), view::event)
                // Cancel commands all the way back (the topic's retention): a task may wait far longer than the
                // in-flight expiry (no GPU online overnight) and must still be skipped when reached after a restart.
                .followValues(Topics.TASK_CONTROL, StartRule.beginning(), view::control)
                .onCaughtUp(() -> log.info(
                        "fleet view caught up: liveSlots={} inFlight={}",
                        view.liveSlots(clock.instant()),
                        view.inFlight(clock.instant())))
                .clock(clock);
    }
}
