package io.dsp.core.slot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.core.ledger.PriorAttempts;
import io.dsp.core.ledger.TaskLedger;
import io.dsp.schemas.avro.TaskEventType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LedgerVerdictTest {

    private static final Duration WAIT = Duration.ofSeconds(2);

    private final List<Duration> pauses = new ArrayList<>();

    @Test
    void aTaskThatAlreadyEndedIsNotRunAgain() throws Exception {
        LedgerVerdict verdict = ask(answering(new PriorAttempts(TaskEventType.SUCCEEDED, 0, null)), 2);

        assertThat(verdict).isEqualTo(new LedgerVerdict.AlreadyEnded(TaskEventType.SUCCEEDED));
        assertThat(pauses).isEmpty();
    }

    @Test
    void aTaskTheLedgerCannotCheckInTimeIsNotRunUnchecked() throws Exception {
        TaskLedger late = behindTheEnd("ledger stalled", PriorAttempts.NONE);

        assertThat(ask(late, 1)).isEqualTo(new LedgerVerdict.Unchecked("ledger stalled"));
    }

    @Test
    void aTaskTheLedgersCopyAlreadyHoldsAsEndedIsAcknowledgedThoughTheLedgerCannotReachTheEnd() throws Exception {
        // a node of the cluster down: the look at the topic's end times out, but the copy read the outcome long ago
        TaskLedger behind = behindTheEnd(
                "the end of dsp.task-events was not read within PT10S",
                new PriorAttempts(TaskEventType.SUCCEEDED, 0, null));

        assertThat(ask(behind, 5)).isEqualTo(new LedgerVerdict.AlreadyEnded(TaskEventType.SUCCEEDED));
    }

    @Test
    void aTaskWhoseAbandonedStartsAreClosedRunsAtOnceWithThemCounted() throws Exception {
        PriorAttempts prior = new PriorAttempts(null, 2, null);

        assertThat(ask(answering(prior), 3)).isEqualTo(new LedgerVerdict.Run(prior));
        assertThat(pauses).isEmpty();
    }

    @Test
    void anotherWorkersOpenAttemptThatSucceedsMeanwhileIsNotRunAgain() throws Exception {
        PriorAttempts open = new PriorAttempts(null, 1, "gpu-a");
        TaskLedger ledger = answering(open, open, open, new PriorAttempts(TaskEventType.SUCCEEDED, 0, null));

        assertThat(ask(ledger, 2)).isEqualTo(new LedgerVerdict.AlreadyEnded(TaskEventType.SUCCEEDED));
        assertThat(pauses).hasSize(3).containsOnly(LedgerVerdict.LOOK_AGAIN_AFTER);
    }

    @Test
    void anotherWorkersOpenAttemptThatNeverEndsRunsAfterTheWaitWithItCountedAsAbandoned() throws Exception {
        PriorAttempts open = new PriorAttempts(null, 1, "gpu-a");

        assertThat(ask(answering(open), 2)).isEqualTo(new LedgerVerdict.Run(open));
        assertThat(pauses.stream().reduce(Duration.ZERO, Duration::plus)).isEqualTo(WAIT);
    }

    @Test
    void anOutcomeBehindATransactionStillOpenAfterTheWaitIsSeenOnceItEndsAndNotRunAgain() throws Exception {
        PriorAttempts open = new PriorAttempts(null, 1, "gpu-a");
        List<Duration> transactionWaits = new ArrayList<>();
        TaskLedger ledger = new TaskLedger() {
            @Override
            public PriorAttempts priorAttempts(String requestId) {
                return open; // what a read-committed copy sees while a transaction before the outcome is open
            }

            @Override
            public PriorAttempts priorAttemptsPastOpenTransactions(String requestId, Duration timeout) {
                transactionWaits.add(timeout);
                return new PriorAttempts(TaskEventType.SUCCEEDED, 0, null);
            }

            @Override
            public Optional<String> failure() {
                return Optional.empty();
            }
        };

        assertThat(ask(ledger, 1)).isEqualTo(new LedgerVerdict.AlreadyEnded(TaskEventType.SUCCEEDED));
        assertThat(transactionWaits).containsExactly(LedgerVerdict.OPEN_TRANSACTION_WAIT);
    }

    @Test
    void transactionsThatDoNotEndInTimeLeaveTheDecisionToWhatIsKnown() throws Exception {
        PriorAttempts open = new PriorAttempts(null, 1, "gpu-a");
        TaskLedger ledger = new TaskLedger() {
            @Override
            public PriorAttempts priorAttempts(String requestId) {
                return open;
            }

            @Override
            public PriorAttempts priorAttemptsPastOpenTransactions(String requestId, Duration timeout)
                    throws TimeoutException {
                throw new TimeoutException("still open");
            }

            @Override
            public Optional<String> failure() {
                return Optional.empty();
            }
        };

        assertThat(ask(ledger, 1)).isEqualTo(new LedgerVerdict.Run(open));
    }

    @Test
    void anOpenAttemptOfThisVeryWorkerIsNotWaitedFor() throws Exception {
        PriorAttempts open = new PriorAttempts(null, 1, "gpu-self");

        assertThat(ask(answering(open), 2)).isEqualTo(new LedgerVerdict.Run(open));
        assertThat(pauses).isEmpty();
    }

    @Test
    void anOutcomeThisWorkerRecordedThatTheLedgerDoesNotShowYetEndsTheTask() throws Exception {
        PriorAttempts open = new PriorAttempts(null, 0, "gpu-self");

        LedgerVerdict verdict =
                LedgerVerdict.of(answering(open), "slot-1", "req-1", 1, "gpu-self", WAIT, pauses::add, open::equals);

        assertThat(verdict).isEqualTo(new LedgerVerdict.AlreadyEnded(null));
        assertThat(pauses).isEmpty();
    }

    @Test
    void anOutcomeASiblingRecordedEndsTheTaskWhileTheSlotWaitsForItsOpenAttempt() throws Exception {
        // a legacy worker of the same gateway ran it: its open attempt is waited for until the gateway's recorder
        // knows the outcome
        PriorAttempts open = new PriorAttempts(null, 0, "legacy-a");
        AtomicInteger looks = new AtomicInteger();

        LedgerVerdict verdict = LedgerVerdict.of(
                answering(open, open, open),
                "slot-1",
                "req-1",
                1,
                "legacy-b",
                WAIT,
                pauses::add,
                prior -> looks.incrementAndGet() >= 2);

        assertThat(verdict).isEqualTo(new LedgerVerdict.AlreadyEnded(null));
        assertThat(pauses).hasSize(1);
    }

    @Test
    void anOutcomeThisWorkerRecordedEndsTheTaskEvenWhenTheLedgerCannotBeCheckedInTime() throws Exception {
        // just after a broker restart: its own outcome must not be followed by a give-back or a dead letter
        TaskLedger late = behindTheEnd("ledger stalled", PriorAttempts.NONE);

        LedgerVerdict verdict =
                LedgerVerdict.of(late, "slot-1", "req-1", 5, "gpu-self", WAIT, pauses::add, PriorAttempts.NONE::equals);

        assertThat(verdict).isEqualTo(new LedgerVerdict.AlreadyEnded(null));
    }

    private LedgerVerdict ask(TaskLedger ledger, int delivery) throws Exception {
        return LedgerVerdict.of(ledger, "slot-1", "req-1", delivery, "gpu-self", WAIT, pauses::add, prior -> false);
    }

    /** A ledger that cannot bring its copy up to date ({@code why}), and whose copy holds {@code known}. */
    private static TaskLedger behindTheEnd(String why, PriorAttempts known) {
        return new TaskLedger() {
            @Override
            public PriorAttempts priorAttempts(String requestId) throws TimeoutException {
                throw new TimeoutException(why);
            }

            @Override
            public PriorAttempts knownNow(String requestId) {
                return known;
            }

            @Override
            public Optional<String> failure() {
                return Optional.empty();
            }
        };
    }

    /** A ledger giving these answers in turn, then the last one for ever. */
    private static TaskLedger answering(PriorAttempts... answers) {
        Deque<PriorAttempts> left = new ArrayDeque<>(List.of(answers));
        return new TaskLedger() {
            @Override
            public PriorAttempts priorAttempts(String requestId) {
                return left.size() > 1 ? left.poll() : left.peek();
            }

            @Override
            public Optional<String> failure() {
                return Optional.empty();
            }
        };
    }
}
