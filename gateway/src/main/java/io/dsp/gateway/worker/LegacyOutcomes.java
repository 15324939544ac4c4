package io.dsp.gateway.worker;

import io.dsp.core.ledger.PriorAttempts;
import io.dsp.core.ledger.TaskLedger;
import io.dsp.core.slot.Outcome;
import io.dsp.core.slot.OutcomeJournal;
import io.dsp.core.slot.OutcomeRecorder;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where the legacy slots' outcomes go once a legacy worker reached them: sent until they land ({@link OutcomeRecorder},
 * each resend counted), or, when the gateway is stopped before one could be, kept in its {@link OutcomeJournal} and
 * recorded at its next start before any slot takes a task (ADR 032).
 */
@Component
class LegacyOutcomes {

    private final TaskLedger ledger;
    private final TaskReporter reporter;
    private final MeterRegistry meters;
    private final OutcomeJournal journal;
    private final OutcomeRecorder recorder;
    private final CountDownLatch replayed = new CountDownLatch(1);
    private volatile Thread replay;

    LegacyOutcomes(
            TaskLedger ledger, TaskReporter reporter, MeterRegistry meters, @Value("${dsp.data-dir}") Path dataDir) {
        this.ledger = ledger;
        this.reporter = reporter;
        this.meters = meters;
        this.journal = new OutcomeJournal(dataDir);
        this.recorder = new OutcomeRecorder(
                ledger, () -> meters.counter(MetricNames.LEGACY_OUTCOME_RESENDS).increment());
    }

    /** Sends the outcome until it lands or the ledger shows the task ended. */
    void record(Outcome outcome) throws Exception {
        recorder.recordUntilItLands(outcome.record(), () -> reporter.record(outcome));
    }

    /**
     * Whether a legacy slot of this gateway recorded the task's outcome a moment ago (10 minutes), which the ledger,
     * showing {@code prior}, does not show yet ({@link OutcomeRecorder#endedHere}).
     */
    boolean endedHere(String requestId, PriorAttempts prior) {
        return recorder.endedHere(requestId, prior);
    }

    /** Counts a delivery acknowledged without a hand-over because its task had ended ({@code outcome} null: seen here). */
    void skipped(TaskEventType outcome) {
        meters.counter(
                        MetricNames.LEGACY_ENDED_SKIPPED,
                        MetricNames.TAG_SEEN_IN,
                        outcome == null ? "recorder" : "ledger")
                .increment();
    }

    /** Keeps an outcome the gateway is stopping too soon to record; returns where. */
    Path keep(String requestId, Outcome outcome) throws IOException {
        Path kept = journal.keep(requestId, outcome.record());
        count(OutcomeJournal.KEPT);
        return kept;
    }

    /** Records, on a thread of its own, what the last run kept; slots wait for it ({@link #awaitReplayed}). */
    synchronized void startReplay() {
        if (replay != null) {
            return;
        }
        replay = new Thread(this::replay, "legacy-outcome-journal");
        replay.setDaemon(true);
        replay.start();
    }

    synchronized void stopReplay() {
        if (replay != null) {
            replay.interrupt();
        }
    }

    /** Whether the last run's kept outcomes are recorded (or given up on), waiting at most {@code wait}. */
    boolean awaitReplayed(Duration wait) throws InterruptedException {
        return replayed.await(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void replay() {
        try {
            journal.replay(ledger, recorder, reporter::resend, this::count);
        } finally {
            replayed.countDown();
        }
    }

    private void count(String step) {
        meters.counter(MetricNames.LEGACY_OUTCOME_JOURNAL, MetricNames.TAG_STEP, step)
                .increment();
    }
}
