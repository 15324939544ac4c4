package io.dsp.core.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.core.ledger.PriorAttempts;
import io.dsp.core.ledger.TaskLedger;
import io.dsp.core.support.TestTasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;

/** The outcome of a task that ran is recorded whatever its sends meet, and never twice: without a broker. */
class OutcomeRecorderTest {

    private static final Duration LOOK_AGAIN = Duration.ofMillis(1);
    private static final PriorAttempts OPEN = new PriorAttempts(null, 0, "gpu-a");

    private final AtomicInteger sends = new AtomicInteger();
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger resends = new AtomicInteger();

    @Test
    void anOutcomeWhoseSendFailsIsSentAgainUntilItLands() throws Exception {
        OutcomeRecorder recorder = recorder(ledger(OPEN, OPEN), Duration.ofMinutes(1));

        recorder.recordUntilItLands("task_1", failing(2));

        assertThat(sends).hasValue(3);
        assertThat(resends).hasValue(2);
    }

    @Test
    void anOutcomeThatLandedThoughItsSendFailedIsNotSentAgain() throws Exception {
        // the broker wrote it, and the answer was lost with the connection
        OutcomeRecorder recorder =
                recorder(ledger(new PriorAttempts(TaskEventType.SUCCEEDED, 0, null)), Duration.ofMinutes(1));

        recorder.recordUntilItLands("task_1", failing(1));

        assertThat(sends).hasValue(1);
    }

    @Test
    void nothingIsSentAgainWhileTheLedgerCannotSayWhetherTheOutcomeLanded() throws Exception {
        Deque<Object> answers = new ArrayDeque<>(List.of(new TimeoutException("behind"), "behind again", OPEN));
        AtomicInteger looks = new AtomicInteger();
        TaskLedger ledger = new TaskLedger() {
            @Override
            public PriorAttempts priorAttempts(String requestId) throws TimeoutException {
                looks.incrementAndGet();
                Object answer = answers.poll();
                if (answer instanceof PriorAttempts prior) {
                    return prior;
                }
                if (answer instanceof TimeoutException e) {
                    throw e;
                }
                throw new IllegalStateException(String.valueOf(answer));
            }

            @Override
            public Optional<String> failure() {
                return Optional.empty();
            }
        };

        recorder(ledger, Duration.ofMinutes(1)).recordUntilItLands("task_1", failing(1));

        assertThat(looks).hasValue(3);
        assertThat(sends).hasValue(2);
    }

    @Test
    void pastItsPatienceTheLastSendsErrorIsThrown() {
        OutcomeRecorder recorder = recorder(ledger(OPEN, OPEN, OPEN, OPEN), Duration.ZERO);

        assertThatThrownBy(() -> recorder.recordUntilItLands("task_1", failing(Integer.MAX_VALUE)))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(sends).hasValue(1);
    }

    @Test
    void aRecordedOutcomeIsRememberedSoThatALaterCopyIsNotRunAgain() throws Exception {
        OutcomeRecorder recorder = recorder(ledger(), Duration.ofMinutes(1));
        assertThat(recorder.endedHere("task_1", PriorAttempts.NONE)).isFalse();

        recorder.recordUntilItLands(outcome("task_1", TaskEventType.SUCCEEDED, 2), failing(0));
        nanos.addAndGet(Duration.ofMinutes(9).toNanos());

        // the ledger shows nothing of it, or the attempt that reached it (its own worker's, or a sibling legacy one's)
        assertThat(recorder.endedHere("task_1", PriorAttempts.NONE)).isTrue();
        assertThat(recorder.endedHere("task_1", new PriorAttempts(null, 0, "gpu-a", 2)))
                .isTrue();
        assertThat(recorder.endedHere("task_1", new PriorAttempts(null, 1, "gpu-b", 1)))
                .isTrue();
        assertThat(recorder.endedHere("task_2", PriorAttempts.NONE)).isFalse();
    }

    @Test
    void anOutcomeOfADeliveryOlderThanTheLatestStartDoesNotEndTheTask() throws Exception {
        // its lock lapsed: the task was handed on and started again, and every reader fences this stale outcome off,
        // whether that later attempt is still open or was given back since
        OutcomeRecorder recorder = recorder(ledger(), Duration.ofMinutes(1));

        recorder.recordUntilItLands(outcome("task_1", TaskEventType.SUCCEEDED, 1), failing(0));

        assertThat(recorder.endedHere("task_1", new PriorAttempts(null, 0, "gpu-b", 2)))
                .isFalse();
        assertThat(recorder.endedHere("task_1", new PriorAttempts(null, 0, null, 2)))
                .isFalse();
    }

    @Test
    void aCancellationRecordedHereIsNeverStale() throws Exception {
        OutcomeRecorder recorder = recorder(ledger(), Duration.ofMinutes(1));

        recorder.recordUntilItLands(outcome("task_1", TaskEventType.CANCELLED, 1), failing(0));

        assertThat(recorder.endedHere("task_1", new PriorAttempts(null, 0, "gpu-b", 2)))
                .isTrue();
    }

    @Test
    void anOutcomeTheLedgerShowedLandedIsRememberedToo() throws Exception {
        OutcomeRecorder recorder =
                recorder(ledger(new PriorAttempts(TaskEventType.SUCCEEDED, 0, null)), Duration.ofMinutes(1));

        recorder.recordUntilItLands(outcome("task_1", TaskEventType.SUCCEEDED, 1), failing(1));

        assertThat(recorder.endedHere("task_1", PriorAttempts.NONE)).isTrue();
    }

    @Test
    void anOutcomeThatCouldNotBeRecordedIsNotRemembered() {
        OutcomeRecorder recorder = recorder(ledger(OPEN), Duration.ZERO);

        assertThatThrownBy(() ->
                recorder.recordUntilItLands(outcome("task_1", TaskEventType.SUCCEEDED, 1), failing(Integer.MAX_VALUE)));

        assertThat(recorder.endedHere("task_1", PriorAttempts.NONE)).isFalse();
    }

    @Test
    void aKeptOutcomeThisReleaseCannotReadIsStillSentAndRemembered() throws Exception {
        OutcomeRecorder recorder = recorder(ledger(), Duration.ofMinutes(1));
        ProducerRecord<byte[], byte[]> unreadable =
                new ProducerRecord<>(Topics.TASK_EVENTS.name(), "task_1".getBytes(), new byte[] {1, 2, 3});

        recorder.recordUntilItLands("task_1", unreadable, failing(0));

        assertThat(sends).hasValue(1);
        assertThat(recorder.endedHere("task_1", new PriorAttempts(null, 0, "gpu-b", 2)))
                .isTrue();
    }

    @Test
    void outcomesAreForgottenOnceKeptLongEnoughSoMemoryFollowsTheRate() throws Exception {
        OutcomeRecorder recorder = recorder(ledger(), Duration.ofMinutes(1));
        for (int i = 0; i < 1_000; i++) {
            recorder.recordUntilItLands("old_" + i, () -> {});
        }
        nanos.addAndGet(OutcomeRecorder.ENDED_HERE_KEPT.plusSeconds(1).toNanos());
        assertThat(recorder.endedHere("old_1", PriorAttempts.NONE)).isFalse();

        recorder.recordUntilItLands("new_1", () -> {});

        assertThat(recorder.remembered()).isEqualTo(1);
        assertThat(recorder.endedHere("new_1", PriorAttempts.NONE)).isTrue();
    }

    /** The outcome event of delivery {@code delivery} of task {@code requestId}, as a slot sends it. */
    private static ProducerRecord<byte[], byte[]> outcome(String requestId, TaskEventType type, int delivery) {
        TaskRequested task = TestTasks.deleteAsset(requestId);
        TaskEvent event = TaskEvents.about(task, type, "test", Instant.now())
                .setWorkerId("gpu-a")
                .setDeliveryCount(delivery)
                .build();
        return Topics.TASK_EVENTS.record(requestId, event);
    }

    private OutcomeRecorder recorder(TaskLedger ledger, Duration patience) {
        return new OutcomeRecorder(ledger, resends::incrementAndGet, patience, LOOK_AGAIN, nanos::get);
    }

    /** A send that fails {@code times} times (as a broker restart failed one), then lands. */
    private OutcomeRecorder.Send failing(int times) {
        return () -> {
            if (sends.incrementAndGet() <= times) {
                throw new OutOfOrderSequenceException("the broker lost the sequence");
            }
        };
    }

    /** A ledger that answers these, one per look. */
    private static TaskLedger ledger(PriorAttempts... answers) {
        Deque<PriorAttempts> left = new ArrayDeque<>(List.of(answers));
        return new TaskLedger() {
            @Override
            public PriorAttempts priorAttempts(String requestId) {
                return left.poll();
            }

            @Override
            public Optional<String> failure() {
                return Optional.empty();
            }
        };
    }
}
