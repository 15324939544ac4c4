package io.dsp.core.ledger;

import static io.dsp.schemas.avro.TaskEventType.PROGRESS;
import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.core.support.TestTasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The ledger's horizon without a broker: records are folded in directly, time comes from a clock the test moves. */
class KafkaTaskLedgerTest {

    private static final Duration HORIZON = Duration.ofHours(24);

    private final MovingClock clock = new MovingClock(Instant.parse("2026-12-04T12:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final KafkaTaskLedger ledger = new KafkaTaskLedger(
            Map.of("bootstrap.servers", "127.0.0.1:1"),
            HORIZON,
            Duration.ofSeconds(1),
            false,
            Duration.ofSeconds(1),
            clock,
            meters,
            0);
    private long offset;

    @Test
    void aStoppedLedgerReportsItsFailureSoThatNoSlotTakesATaskItCannotCheck() {
        assertThat(ledger.failure()).isEmpty();

        ledger.stop();

        assertThat(ledger.failure()).hasValue("the task ledger has stopped");
    }

    @Test
    void forgetsATaskSilentForLongerThanTheHorizonAndKeepsTheRecentOnes() {
        // given a task that ended 25 h ago and one that ended an hour ago
        Instant now = clock.instant();
        fold("req-old", STARTED, now.minus(Duration.ofHours(26)));
        fold("req-old", SUCCEEDED, now.minus(Duration.ofHours(25)));
        fold("req-recent", STARTED, now.minus(Duration.ofHours(2)));
        fold("req-recent", SUCCEEDED, now.minus(Duration.ofHours(1)));
        assertThat(ledger.size()).isEqualTo(2);

        // when the ledger prunes
        int forgotten = ledger.prune();

        // then only the task silent past the horizon is gone; the recent one is still finished
        assertThat(forgotten).isEqualTo(1);
        assertThat(ledger.knownNow("req-old")).isEqualTo(PriorAttempts.NONE);
        assertThat(ledger.knownNow("req-recent")).isEqualTo(new PriorAttempts(SUCCEEDED, 0, null, 1));
        assertThat(meters.get(MetricNames.LEDGER_TASKS).gauge().value()).isEqualTo(1);
        assertThat(meters.get(MetricNames.LEDGER_TASKS_PRUNED).counter().count())
                .isEqualTo(1);
    }

    @Test
    void prunesOnItsOwnThreadOnceAPruneIntervalHasPassedAndNotBefore() {
        // given a task that ended just inside the horizon when the ledger began
        assertThat(KafkaTaskLedger.pruneEvery(HORIZON)).isEqualTo(Duration.ofMinutes(5));
        fold("req-1", STARTED, clock.instant().minus(Duration.ofHours(24).minusMinutes(2)));
        fold("req-1", SUCCEEDED, clock.instant().minus(Duration.ofHours(24).minusMinutes(2)));

        // when it has become older than the horizon, but less than a prune interval has passed
        clock.advance(Duration.ofMinutes(4));
        fold("req-2", STARTED, clock.instant());

        // then it is still held
        assertThat(ledger.knownNow("req-1").finished()).isTrue();

        // when the next record arrives a full prune interval after the ledger began
        clock.advance(Duration.ofMinutes(1));
        fold("req-2", SUCCEEDED, clock.instant());

        // then the silent task was forgotten, on the thread that folds records in, and the live one stays
        assertThat(ledger.knownNow("req-1")).isEqualTo(PriorAttempts.NONE);
        assertThat(ledger.knownNow("req-2").finished()).isTrue();
        assertThat(ledger.size()).isEqualTo(1);
    }

    @Test
    void aTaskThatStillReportsIsNotSilentEvenIfItStartedBeforeTheHorizon() {
        // given an attempt that started 30 h ago and reported progress an hour ago
        fold("req-long", STARTED, clock.instant().minus(Duration.ofHours(30)));
        fold("req-long", PROGRESS, clock.instant().minus(Duration.ofHours(1)));

        // when the ledger prunes
        ledger.prune();

        // then its open attempt is still known
        assertThat(ledger.knownNow("req-long")).isEqualTo(new PriorAttempts(null, 1, "w1", 1));
    }

    @Test
    void anEventWithoutARecordTimestampCountsAsSeenNow() {
        ledger.apply(record("req-1", STARTED, ConsumerRecord.NO_TIMESTAMP));

        clock.advance(HORIZON.minusMinutes(1));
        ledger.prune();

        assertThat(ledger.knownNow("req-1").openOn()).contains("w1");
    }

    @Test
    void historiesShareOneCopyOfAWorkerId() {
        fold("req-1", STARTED, clock.instant());
        fold("req-2", STARTED, clock.instant());

        assertThat(ledger.knownNow("req-1").lastWorkerId())
                .isEqualTo("w1")
                .isSameAs(ledger.knownNow("req-2").lastWorkerId());
    }

    @Test
    void refusesAHorizonThatIsNotPositive() {
        assertThatThrownBy(() -> new KafkaTaskLedger(
                        Map.of(), Duration.ZERO, Duration.ZERO, false, Duration.ZERO, clock, meters, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("horizon");
    }

    @Test
    void prunesAtMostEveryFiveMinutesAndAtLeastTenTimesPerHorizon() {
        assertThat(KafkaTaskLedger.pruneEvery(Duration.ofDays(30))).isEqualTo(Duration.ofMinutes(5));
        assertThat(KafkaTaskLedger.pruneEvery(Duration.ofMinutes(30))).isEqualTo(Duration.ofMinutes(3));
    }

    private void fold(String requestId, TaskEventType type, Instant at) {
        ledger.apply(record(requestId, type, at.toEpochMilli()));
    }

    private ConsumerRecord<byte[], byte[]> record(String requestId, TaskEventType type, long timestamp) {
        TaskEvent event = TaskEvents.about(task(requestId), type, "gpu-consumer", clock.instant())
                .setWorkerId("w1")
                .setDeliveryCount(1)
                .build();
        ProducerRecord<byte[], byte[]> written = Topics.TASK_EVENTS.record(requestId, event);
        return new ConsumerRecord<>(
                written.topic(),
                0,
                offset++,
                timestamp,
                TimestampType.CREATE_TIME,
                written.key().length,
                written.value().length,
                written.key(),
                written.value(),
                new RecordHeaders(),
                Optional.empty());
    }

    private static TaskRequested task(String requestId) {
        return TestTasks.deleteAsset(requestId);
    }

    /** A clock the test moves forward. */
    private static final class MovingClock extends Clock {
        private volatile Instant now;

        MovingClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
