package io.dsp.dispatcher.fleet;

import static io.dsp.dispatcher.support.InMemoryConsumer.written;
import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.core.view.TopicView;
import io.dsp.dispatcher.support.InMemoryConsumer;
import io.dsp.dispatcher.support.TestTasks;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fleet view's feed: what it reads of each topic at start, and what it does with records it cannot apply. */
class FleetFeedTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration EXPIRY = Duration.ofHours(2);
    private static final Duration BEAT = Duration.ofMinutes(5);
    private static final Instant LONG_AGO = NOW.minus(Duration.ofDays(3));

    private final FleetView fleet = new FleetView(1, EXPIRY);
    private TopicView feed;

    @AfterEach
    void stopFeed() {
        if (feed != null) {
            feed.stop();
        }
    }

    @Test
    void readsPresenceAndCancelsWholeAndTaskEventsOnlyAsFarBackAsTheInFlightExpiry() throws Exception {
        // given presence and a cancel written long ago, and task events before and within the in-flight expiry
        List<ProducerRecord<byte[], byte[]>> topics = List.of(
                written(Topics.WORKERS.record("w1", TestTasks.presence("w1", 2, false, NOW, BEAT)), LONG_AGO),
                written(Topics.WORKERS.record("w2", TestTasks.presence("w2", 3, false, NOW, BEAT)), LONG_AGO),
                written(Topics.WORKERS.record("w2", null), LONG_AGO),
                written(Topics.TASK_CONTROL.record("waiting", TestTasks.cancel("waiting", "LIC", LONG_AGO)), LONG_AGO),
                written(
                        Topics.TASK_EVENTS.record(
                                "older",
                                TestTasks.event("older", TaskEventType.DISPATCHED, NOW.minus(Duration.ofHours(3)))),
                        NOW.minus(Duration.ofHours(3))),
                written(
                        Topics.TASK_EVENTS.record(
                                "recent",
                                TestTasks.event("recent", TaskEventType.DISPATCHED, NOW.minus(Duration.ofHours(1)))),
                        NOW.minus(Duration.ofHours(1))),
                written(Topics.TASK_EVENTS.record("recent", null), NOW.minus(Duration.ofMinutes(30))));

        // when the feed starts
        feed = start(topics, new AtomicBoolean());

        // then it read every record but the task event older than the expiry, and applied them
        assertThat(feed.appliedRecords()).isEqualTo(topics.size() - 1);
        assertThat(feed.skippedRecords()).isZero();
        assertThat(fleet.liveSlots(NOW)).isEqualTo(2);
        assertThat(fleet.hasCancel("waiting")).isTrue();
        assertThat(fleet.isKnown("recent")).isTrue();
        assertThat(fleet.inFlight(NOW)).isEqualTo(1);
    }

    @Test
    void aRecordThatCannotBeDecodedIsSkippedAndCountedAndTheFeedGoesOn() throws Exception {
        List<ProducerRecord<byte[], byte[]>> topics = List.of(
                written(
                        new ProducerRecord<>(
                                Topics.WORKERS.name(),
                                "garbage".getBytes(StandardCharsets.UTF_8),
                                "no presence at all".getBytes(StandardCharsets.UTF_8)),
                        NOW),
                written(Topics.WORKERS.record("w1", TestTasks.presence("w1", 2, false, NOW, BEAT)), NOW));

        feed = start(topics, new AtomicBoolean());

        assertThat(feed.skippedRecords()).isEqualTo(1);
        assertThat(fleet.liveSlots(NOW)).isEqualTo(2);
    }

    private TopicView start(List<ProducerRecord<byte[], byte[]>> topics, AtomicBoolean broken) {
        List<String> names = List.of(Topics.WORKERS.name(), Topics.TASK_EVENTS.name(), Topics.TASK_CONTROL.name());
        TopicView view = FleetConfiguration.fleetFeed(Map.of(), fleet, EXPIRY, Clock.fixed(NOW, ZoneOffset.UTC))
                .consumerFactory(config -> new InMemoryConsumer(names, topics, broken))
                .startupWait(Duration.ofSeconds(30), true)
                .build();
        view.start();
        return view;
    }
}
