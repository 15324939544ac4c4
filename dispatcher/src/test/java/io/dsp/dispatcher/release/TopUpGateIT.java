package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.DispatcherMetrics;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.dispatcher.support.QuietFleetTest;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The top-up gate (ADR 035) wired into the release loop, against a real broker. The dispatcher's clock stands still
 * while a test holds it, so a hold lasts exactly as long as the test wants: nothing here depends on how fast the
 * machine is.
 */
@DispatcherIntegrationTest
@TestPropertySource(properties = {"dsp.dispatcher.top-up-linger=1s", "dsp.dispatcher.prefetch-per-slot=1"})
@DirtiesContext
class TopUpGateIT extends QuietFleetTest {

    /** Four slots and four waiting: eight in flight fill the window. */
    private static final int SLOTS = 4;

    private static final int WINDOW = 8;

    @Autowired
    HeldClock clock;

    @Autowired
    MeterRegistry meters;

    /** Offsets in {@code dsp.dispatch} by request id, from when the test began. */
    private final Map<String, Long> dispatchOffsets = new ConcurrentHashMap<>();

    private TopicView dispatch;

    @BeforeEach
    void watchDispatchOffsets() {
        dispatch = TopicView.builder(
                        "top-up-gate-it",
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                KafkaTestBroker.get().bootstrapServers()))
                .follow(Topics.DISPATCH, StartRule.now(), r -> dispatchOffsets.put(Topics.DISPATCH.key(r), r.offset()))
                .build();
        dispatch.start();
    }

    @AfterEach
    void letTheClockRun() {
        clock.run();
        dispatch.stop();
    }

    @Test
    void topUpsWhileEverySlotIsServedWaitForTheLingerAndGoOutInOneTransaction() {
        // given a worker with four slots, its window full (four running, four waiting) and more tasks in hand
        List<String> ids = fullWindow("gathered");

        // when two tasks finish together while the dispatcher's clock stands still: six in flight, every slot served
        double holdsBefore = finishWithTheClockStopped(ids.subList(0, 2));

        // then the room is held back, and nothing goes out while the hold lasts
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(WINDOW));

        // and once the linger has passed, both go out together: one hold, one transaction (their records sit side by
        // side in dsp.dispatch, with no commit marker between them)
        clock.run();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(WINDOW + 2));
        assertThat(holds()).isEqualTo(holdsBefore + 1);
        List<String> toppedUp = fleet.dispatched(ids).subList(WINDOW, WINDOW + 2);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> dispatchOffsets.keySet().containsAll(toppedUp));
        assertThat(dispatchOffsets.get(toppedUp.get(1)) - dispatchOffsets.get(toppedUp.get(0)))
                .isEqualTo(1);
    }

    @Test
    void aSlotLeftWithNothingWaitingIsServedAtOnceDuringAHold() {
        // given a full window, and a hold begun by one finished task while the dispatcher's clock stands still
        List<String> ids = fullWindow("served");
        finishWithTheClockStopped(ids.subList(0, 1));

        // when four more finish: three in flight, so a slot has nothing waiting
        fleet.finish(ids.subList(1, 5), TaskEventType.SUCCEEDED);

        // then the room is released though the clock still stands within the hold
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(WINDOW + 5));
    }

    /**
     * Stops the dispatcher's clock, finishes these tasks, and waits until the release loop has begun a hold; returns
     * the holds counted before.
     */
    private double finishWithTheClockStopped(List<String> finished) {
        clock.stop();
        double holdsBefore = holds();
        fleet.finish(finished, TaskEventType.SUCCEEDED);
        await().atMost(Duration.ofSeconds(10)).until(() -> holds() > holdsBefore);
        return holdsBefore;
    }

    private List<String> fullWindow(String label) {
        String license = FleetDriver.newLicense(label);
        List<String> ids = fleet.submit(license, 20);
        fleet.awaitDispatcherReads(license);
        fleet.announceWorker(SLOTS);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(WINDOW));
        return ids;
    }

    private double holds() {
        return meters.get(DispatcherMetrics.TOP_UP_HOLDS).functionCounter().count();
    }

    /** The system clock, except that a test can make it stand still (and then let it catch up at once). */
    static final class HeldClock extends Clock {
        private volatile Instant stoppedAt;

        void stop() {
            stoppedAt = Instant.now();
        }

        void run() {
            stoppedAt = null;
        }

        @Override
        public Instant instant() {
            Instant stopped = stoppedAt;
            return stopped != null ? stopped : Instant.now();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @TestConfiguration
    static class StoppableClock {
        @Bean
        @Primary
        HeldClock heldClock() {
            return new HeldClock();
        }
    }
}
