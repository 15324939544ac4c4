package io.dsp.gateway.feed;

import io.dsp.core.kafka.ClientSecurity;
import io.dsp.core.ledger.KafkaTaskLedger;
import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.gateway.client.InFlightCapSettings;
import io.dsp.gateway.client.InFlightGuard;
import io.dsp.gateway.fleet.FleetWatch;
import io.dsp.gateway.license.DeviceBindings;
import io.dsp.gateway.license.LicenseRegistry;
import io.dsp.gateway.relay.LastHeard;
import io.dsp.gateway.relay.Relay;
import io.dsp.gateway.routing.EventRouter;
import io.dsp.gateway.routing.OutcomeSettings;
import io.dsp.gateway.routing.ResultDeliverySettings;
import io.dsp.gateway.worker.WorkerBridge;
import io.dsp.schemas.serde.WriterSchemas;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * This instance's views of Kafka, outside any consumer group (every instance reads everything, each from its own
 * position), all started before the WebSocket endpoint takes connections:
 *
 * <ul>
 *   <li>{@code gateway-state}: the license registry, fleet presence and operators' worker commands from the start of
 *       their compacted topics, cancellations of the last hour (a task cancelled after its release may still be
 *       acquired by a slot here);
 *   <li>{@code gateway-live}: task events (their {@code ACCEPTED} origins, results and progress, routed to
 *       connections) and relayed frames, from this instance's start on, task events from when a gateway was last
 *       heard (results that ended while none ran are held for their clients);
 *   <li>the task ledger its legacy slots consult before handing a task to a worker.
 * </ul>
 *
 * Each reports its health: DOWN while stalled.
 */
@Configuration(proxyBeanMethods = false)
class GatewayViews {

    private static final Logger log = LoggerFactory.getLogger(GatewayViews.class);

    /** Before the web server opens (it starts in a later phase), after nothing else. */
    static final int PHASE = Integer.MIN_VALUE + 1000;

    private static final Duration CONTROL_LOOKBACK = Duration.ofHours(1);

    /** Licenses and presence are read up to their end before the endpoint opens, so the first answers are right. */
    private static final Duration STATE_STARTUP_WAIT = Duration.ofSeconds(30);

    /** How long a start waits to learn when a gateway was last heard; past it, the replay reaches its most. */
    private static final Duration LAST_HEARD_WAIT = Duration.ofSeconds(10);

    private static final Duration LEDGER_STARTUP_WAIT = Duration.ofSeconds(60);

    /** One look before a task: a slot that cannot check a task in this time releases it (as a native slot does). */
    private static final Duration LEDGER_CATCH_UP = Duration.ofSeconds(10);

    /** The shared topics, created before any view opens (a view does not start on a topic that does not exist). */
    record SharedTopics() {}

    @Bean
    SharedTopics sharedTopics(KafkaAdmin admin) {
        TopicProvisioner.provision(admin.getConfigurationProperties());
        WriterSchemas.connect(ClientSecurity.of(admin.getConfigurationProperties()));
        return new SharedTopics();
    }

    @Bean
    TopicView stateView(
            SharedTopics topics,
            KafkaAdmin admin,
            LicenseRegistry licenses,
            DeviceBindings devices,
            FleetWatch fleet,
            WorkerBridge workers,
            MeterRegistry meters,
            Clock clock) {
        TopicView view = TopicView.builder("gateway-state", admin.getConfigurationProperties())
                .followEntries(Topics.LICENSES, StartRule.beginning(), licenses::apply)
                .followEntries(Topics.DEVICE_BINDINGS, StartRule.beginning(), devices::apply)
                .followEntries(Topics.WORKERS, StartRule.beginning(), fleet::presence)
                .followEntries(Topics.WORKER_COMMANDS, StartRule.beginning(), workers::command)
                .followValues(Topics.TASK_CONTROL, StartRule.lookBack(CONTROL_LOOKBACK), workers::control)
                .startupWait(STATE_STARTUP_WAIT, false)
                .meters(meters)
                .clock(clock)
                .phase(PHASE)
                .build();
        // A key the registry has not seen makes it wait until this view has read what was written before the ask.
        licenses.catchUpWith(wait -> view.awaitCurrentEnd(Topics.LICENSES.name(), wait));
        devices.catchUpWith(wait -> view.awaitCurrentEnd(Topics.DEVICE_BINDINGS.name(), wait));
        return view;
    }

    @Bean
    TopicView liveView(
            SharedTopics topics,
            KafkaAdmin admin,
            EventRouter router,
            Relay relay,
            ResultDeliverySettings delivery,
            MeterRegistry meters,
            Clock clock) {
        // Events since a gateway was last heard (and a margin before) are routed again: results that ended while no
        // instance ran are held for their clients' return (at least once, ResultDeliverySettings.replayAtStart).
        Duration replay = delivery.replayAtStart().isZero()
                ? Duration.ZERO
                : delivery.replayFor(
                        clock.instant(),
                        LastHeard.anyGateway(
                                admin.getConfigurationProperties(),
                                clock.instant(),
                                delivery.replayAtMost(),
                                LAST_HEARD_WAIT));
        log.info("routing the task events of the last {} s again for clients that missed them", replay.toSeconds());
        StartRule events = replay.isZero() ? StartRule.now() : StartRule.lookBack(replay);
        return TopicView.builder("gateway-live", admin.getConfigurationProperties())
                .followValues(Topics.TASK_EVENTS, events, router::route)
                .followValues(Topics.GATEWAY_RELAY, StartRule.now(), relay::received)
                .startupWait(STATE_STARTUP_WAIT, false)
                .meters(meters)
                .clock(clock)
                .phase(PHASE)
                .build();
    }

    /**
     * The WebSocket in-flight guard's index: {@code dsp.task-events} from the cap's expiry back. Not required at start:
     * until it has caught up the guard may let a double submit through, which the legacy guard also did after a restart.
     */
    @Bean
    TopicView inFlightView(
            SharedTopics topics,
            KafkaAdmin admin,
            InFlightGuard guard,
            InFlightCapSettings caps,
            MeterRegistry meters,
            Clock clock) {
        return TopicView.builder("gateway-in-flight", admin.getConfigurationProperties())
                .followValues(Topics.TASK_EVENTS, StartRule.lookBack(caps.expiry()), guard::event)
                .startupWait(STATE_STARTUP_WAIT, false)
                .meters(meters)
                .clock(clock)
                .phase(PHASE)
                .build();
    }

    /**
     * The fleet's ledger (ADR 006), as the native workers keep it, over {@code dsp.gateway.outcomes.horizon} (24 h) of
     * {@code dsp.task-events} (ADR 024): read from the horizon at start and pruned to it while running, so start-up and
     * memory follow the recent tasks, not the topic's 30 days. Not required at start: a slot cannot check a task before
     * it has caught up, and releases it rather than run it unchecked.
     */
    @Bean
    KafkaTaskLedger taskLedger(
            SharedTopics topics, KafkaAdmin admin, OutcomeSettings outcomes, Clock clock, MeterRegistry meters) {
        return new KafkaTaskLedger(
                admin.getConfigurationProperties(),
                outcomes.horizon(),
                LEDGER_STARTUP_WAIT,
                false,
                LEDGER_CATCH_UP,
                clock,
                meters,
                PHASE);
    }

    @Bean
    HealthIndicator stateViewHealthIndicator(@Qualifier("stateView") TopicView view) {
        return view::health;
    }

    @Bean
    HealthIndicator liveViewHealthIndicator(@Qualifier("liveView") TopicView view) {
        return view::health;
    }

    @Bean
    HealthIndicator taskLedgerHealthIndicator(KafkaTaskLedger ledger) {
        return ledger::health;
    }
}
