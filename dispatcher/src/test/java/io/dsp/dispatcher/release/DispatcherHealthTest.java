package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.dispatcher.DispatcherSettings;
import io.dsp.dispatcher.fleet.FleetView;
import io.dsp.dispatcher.support.InMemoryConsumer;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/** The dispatcher's health follows its fleet view: nothing must be released against a window that is not current. */
class DispatcherHealthTest {

    private static final Duration STALL_AFTER = Duration.ofSeconds(60);

    private final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    private final AtomicBoolean broken = new AtomicBoolean(true);
    private final FleetView fleet = new FleetView(1, Duration.ofHours(2));
    private final TopicView view = TopicView.builder("dispatcher-fleet", Map.of())
            .follow(Topics.WORKERS, StartRule.beginning(), r -> {})
            .consumerFactory(config -> new InMemoryConsumer(List.of(Topics.WORKERS.name()), List.of(), broken))
            .clock(clock)
            .stallAfter(STALL_AFTER)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
            .build();
    private final DispatcherHealth health = new DispatcherHealth(view, List.of(releaseLoop()), fleet, clock);

    @AfterEach
    void stopView() {
        view.stop();
    }

    @Test
    void outOfServiceUntilTheFleetViewHasCaughtUpDownWhileItIsStalledUpOnceItFollowsAgain() {
        // given a fleet view that cannot read its topics from the start
        view.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> view.failure().isPresent());
        assertThat(health.health(true).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

        // when it makes no progress for longer than its stall bound
        clock.advance(STALL_AFTER.plusSeconds(1));

        // then the dispatcher is DOWN, and says why
        Health down = health.health(true);
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(down.getDetails()).containsKey("error").containsKey("fleetView");

        // and once the view reads again, it is UP
        broken.set(false);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(health.health(true).getStatus()).isEqualTo(Status.UP));
        assertThat(view.caughtUp()).isTrue();
    }

    private ReleaseLoop releaseLoop() {
        DispatcherSettings settings = new DispatcherSettings(
                1,
                1.0,
                Duration.ofMillis(100),
                Duration.ofHours(2),
                Duration.ofSeconds(50),
                100,
                Duration.ofMillis(100),
                0,
                List.of(),
                Duration.ofSeconds(1),
                List.of(),
                5);
        return new ReleaseLoop(
                new DefaultKafkaConsumerFactory<>(Map.of()),
                new DefaultKafkaProducerFactory<>(Map.of()),
                fleet,
                view,
                settings,
                clock,
                new SimpleMeterRegistry());
    }
}
