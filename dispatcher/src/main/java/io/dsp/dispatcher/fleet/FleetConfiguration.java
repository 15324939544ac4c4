package io.dsp.dispatcher.fleet;

import io.dsp.core.kafka.ClientSecurity;
import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.dispatcher.DispatcherMetrics;
import io.dsp.dispatcher.DispatcherSettings;
import io.dsp.schemas.serde.WriterSchemas;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
class FleetConfiguration {

    private static final Logger log = LoggerFactory.getLogger(FleetConfiguration.class);

    /** Before the release loop (phase 1), which waits for the view to catch up; stopped after it. */
    static final int PHASE = 0;

    /** The GPU lane's view: the one most of the dispatcher (and its tests) means by "the fleet". */
    @Bean
    @Primary
    FleetView fleetView(DispatcherSettings settings) {
        return new FleetView(
                Lane.GPU,
                settings.prefetch(),
                settings.prefetchPerSlot(),
                settings.inFlightExpiry(),
                settings.reconcileAfter());
    }

    /** The automation lane's view: automation workers' slots, automation tasks in flight. */
    @Bean
    FleetView automationFleetView(DispatcherSettings settings) {
        return new FleetView(
                Lane.AUTOMATION,
                settings.prefetch(),
                settings.prefetchPerSlot(),
                settings.inFlightExpiry(),
                settings.reconcileAfter());
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
            List<FleetView> views,
            DispatcherSettings settings,
            MeterRegistry meters,
            Clock clock) {
        TopicProvisioner.provision(admin.getConfigurationProperties());
        WriterSchemas.connect(ClientSecurity.of(admin.getConfigurationProperties()));
        views.forEach(view -> FunctionCounter.builder(
                        DispatcherMetrics.ofLane(DispatcherMetrics.RECONCILED, view.lane()), view, FleetView::forgotten)
                .description("tasks no longer counted in flight: held by no live worker while slots were free")
                .register(meters));
        return fleetFeed(consumers.getConfigurationProperties(), views, settings.inFlightExpiry(), clock)
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
        return fleetFeed(kafkaConfig, List.of(view), inFlightExpiry, clock);
    }

    /** One feed for every lane's view: each takes the presences and events of its own lane. */
    static TopicView.Builder fleetFeed(
            Map<String, Object> kafkaConfig, List<FleetView> views, Duration inFlightExpiry, Clock clock) {
        return TopicView.builder("dispatcher-fleet", kafkaConfig)
                .followEntries(
                        Topics.WORKERS,
                        StartRule.beginning(),
                        (id, presence) -> views.forEach(v -> v.presence(id, presence)))
                .followValues(
                        Topics.TASK_EVENTS,
                        StartRule.lookBack(inFlightExpiry),
                        event -> views.forEach(v -> v.event(event)))
                // Cancel commands all the way back (the topic's retention): a task may wait far longer than the
                // in-flight expiry (no GPU online overnight) and must still be skipped when reached after a restart.
                .followValues(
                        Topics.TASK_CONTROL, StartRule.beginning(), command -> views.forEach(v -> v.control(command)))
                .onCaughtUp(() -> views.forEach(view -> log.info(
                        "fleet view caught up: lane={} liveSlots={} inFlight={}",
                        view.lane().wireName(),
                        view.liveSlots(clock.instant()),
                        view.inFlight(clock.instant()))))
                .clock(clock);
    }
}
