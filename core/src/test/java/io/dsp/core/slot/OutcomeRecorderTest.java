package io.dsp.core.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.core.ledger.PriorAttempts;
import io.dsp.core.ledger.TaskLedger;
import io.dsp.schemas.avro.TaskEventType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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

        recorder.recordUntilItLands("task_1", "gpu-a", failing(0));
        nanos.addAndGet(Duration.ofMinutes(9).toNanos());

        // the ledger shows nothing of it, or only the attempt of the worker that recorded it
        assertThat(recorder.endedHere("task_1", PriorAttempts.NONE)).isTrue();
        assertThat(recorder.endedHere("task_1", OPEN)).isTrue();
        assertThat(recorder.endedHere("task_2", PriorAttempts.NONE)).isFalse();
    }

    @Test
    void anOutcomeRecordedBeforeAnotherWorkerStartedTheTaskDoesNotEndIt() throws Exception {
        // its lock lapsed: the task was handed on and started elsewhere, and the ledger fences this stale outcome off
        OutcomeRecorder recorder = recorder(ledger(), Duration.ofMinutes(1));

        recorder.recordUntilItLands("task_1", "gpu-a", failing(0));

        assertThat(recorder.endedHere("task_1", new PriorAttempts(null, 0, "gpu-b")))
                .isFalse();
    }

    @Test
    void anOutcomeOfAnUnknownWorkerEndsTheTaskOnlyWhileTheLedgerShowsNoOpenAttempt() throws Exception {
        // one kept on disk by the last run, recorded at start
        OutcomeRecorder recorder = recorder(ledger(), Duration.ofMinutes(1));

        recorder.recordUntilItLands("task_1", failing(0));

        assertThat(recorder.endedHere("task_1", PriorAttempts.NONE)).isTrue();
        assertThat(recorder.endedHere("task_1", OPEN)).isFalse();
    }

    @Test
    void anOutcomeTheLedgerShowedLandedIsRememberedToo() throws Exception {
        OutcomeRecorder recorder =
                recorder(ledger(new PriorAttempts(TaskEventType.SUCCEEDED, 0, null)), Duration.ofMinutes(1));

        recorder.recordUntilItLands("task_1", "gpu-a", failing(1));

        assertThat(recorder.endedHere("task_1", PriorAttempts.NONE)).isTrue();
    }

    @Test
    void anOutcomeThatCouldNotBeRecordedIsNotRemembered() {
        OutcomeRecorder recorder = recorder(ledger(OPEN), Duration.ZERO);

        assertThatThrownBy(() -> recorder.recordUntilItLands("task_1", "gpu-a", failing(Integer.MAX_VALUE)));

        assertThat(recorder.endedHere("task_1", PriorAttempts.NONE)).isFalse();
    }

    @Test
    void outcomesAreForgottenOnceKeptLongEnoughSoMemoryFollowsTheRate() throws Exception {
        OutcomeRecorder recorder = recorder(ledger(), Duration.ofMinutes(1));
        for (int i = 0; i < 1_000; i++) {
            recorder.recordUntilItLands("old_" + i, "gpu-a", () -> {});
        }
        nanos.addAndGet(OutcomeRecorder.ENDED_HERE_KEPT.plusSeconds(1).toNanos());
        assertThat(recorder.endedHere("old_1", PriorAttempts.NONE)).isFalse();

        recorder.recordUntilItLands("new_1", "gpu-a", () -> {});

        assertThat(recorder.remembered()).isEqualTo(1);
        assertThat(recorder.endedHere("new_1", PriorAttempts.NONE)).isTrue();
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
