package io.dsp.core.slot;

import io.dsp.core.ledger.PriorAttempts;
import io.dsp.core.ledger.TaskLedger;
import io.dsp.schemas.avro.TaskEventType;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the fleet's task ledger says about an acquired task before a slot runs it. Both kinds of slot (a native
 * worker's and a bridged legacy worker's) ask through here, so the rule is one: a task that already ended is never run
 * again, one that cannot be checked in time is not run unchecked, one whose attempt on another worker is still open is
 * given a while to end, and starts that never ended are reported.
 */
public sealed interface LedgerVerdict {

    /** How long a slot pauses between two looks while another worker's attempt is open. */
    Duration LOOK_AGAIN_AFTER = Duration.ofMillis(250);

    /**
     * How long a slot waits, after the open-attempt wait, for transactions on {@code dsp.task-events} that were open to
     * end: the other worker's outcome may sit behind one. The edges' transactions time out within 30 s and the
     * coordinator aborts timed-out ones on a 10 s scan, so one that a broker restart left open ends within about 40 s
     * (the soak measured 34.5 s).
     */
    Duration OPEN_TRANSACTION_WAIT = Duration.ofSeconds(60);

    /** Never ended in the fleet: the slot may run it; {@code prior} counts the starts that were abandoned. */
    record Run(PriorAttempts prior) implements LedgerVerdict {}

    /**
     * Already ended in the fleet (a lost acknowledgement, a replay, a duplicate release, a cancellation); {@code outcome}
     * is {@code null} when this worker recorded it and the ledger does not show it yet.
     */
    record AlreadyEnded(TaskEventType outcome) implements LedgerVerdict {}

    /** The ledger did not answer in time: the slot gives the task back instead of running it unchecked. */
    record Unchecked(String reason) implements LedgerVerdict {}

    /** Keeps the task's record while the slot waits (a {@link Lease#keep}) or looks it up. */
    @FunctionalInterface
    interface Hold {
        void keep(Duration pause) throws InterruptedException, Lease.LockLost;

        /** Runs one look-up; a lease runs it beside its renewals ({@link #of(Lease, ExecutorService)}). */
        default PriorAttempts lookUp(Callable<PriorAttempts> lookUp) throws Exception {
            return lookUp.call();
        }

        /** A lease's hold: look-ups run on {@code io} while the lease's thread keeps renewing the lock. */
        static Hold of(Lease lease, ExecutorService io) {
            return new Hold() {
                @Override
                public void keep(Duration pause) throws InterruptedException, Lease.LockLost {
                    lease.keep(pause);
                }

                @Override
                public PriorAttempts lookUp(Callable<PriorAttempts> lookUp) throws Exception {
                    return lease.during(lookUp, io);
                }
            };
        }
    }

    /**
     * Asks the ledger about {@code requestId} for the slot named {@code slot} of worker {@code workerId}, logging what
     * it found.
     *
     * <p>When another worker's attempt is still open, the slot holds the record and looks again for up to
     * {@code openAttemptWait}: a broker restart hands a record on while the worker that ran it is still reporting its
     * outcome, and running it at once would repeat its effect. A worker that died never reports, so after the wait the
     * task runs. An open attempt of this very worker is not waited for: its running copies wait in the worker itself,
     * and an outcome one of its slots recorded ends the task here even while the ledger cannot show it ({@code
     * recordedHere}, {@link OutcomeRecorder#endedHere}), so an open one here was lost by an earlier start of this worker.
     *
     * @param recordedHere whether an outcome this worker (or, for legacy slots, this gateway) recorded ends the task
     *     though the ledger, showing the given attempts, does not show it yet
     */
    static LedgerVerdict of(
            TaskLedger ledger,
            String slot,
            String requestId,
            int delivery,
            String workerId,
            Duration openAttemptWait,
            Hold hold,
            Predicate<PriorAttempts> recordedHere)
            throws InterruptedException, Lease.LockLost {
        Logger log = LoggerFactory.getLogger(LedgerVerdict.class);
        Duration waited = Duration.ZERO;
        PriorAttempts prior;
        while (true) {
            try {
                prior = hold.lookUp(() -> ledger.priorAttempts(requestId));
            } catch (InterruptedException | Lease.LockLost e) {
                throw e;
            } catch (TimeoutException e) {
                return unchecked(ledger, slot, requestId, delivery, String.valueOf(e.getMessage()), recordedHere, log);
            } catch (Exception e) {
                log.debug("slot {}: the ledger's look at requestId={} failed", slot, requestId, e);
                return unchecked(ledger, slot, requestId, delivery, e.toString(), recordedHere, log);
            }
            if (!prior.finished() && recordedHere.test(prior)) {
                return endedHere(log, requestId, delivery);
            }
            Optional<String> openOn = prior.openOn();
            if (prior.finished()
                    || openOn.isEmpty()
                    || openOn.get().equals(workerId)
                    || waited.compareTo(openAttemptWait) >= 0) {
                break;
            }
            if (waited.isZero()) {
                log.info(
                        "requestId={} is still open on {}; slot {} waits up to {} for its outcome before running it",
                        requestId,
                        openOn.get(),
                        slot,
                        openAttemptWait);
            }
            hold.keep(LOOK_AGAIN_AFTER);
            waited = waited.plus(LOOK_AGAIN_AFTER);
        }
        if (!prior.finished()
                && prior.openOn().filter(other -> !other.equals(workerId)).isPresent()) {
            // Its outcome may have been written after a transaction still open (left so by a broker restart): a
            // read-committed ledger sees it only once that transaction ends.
            log.info(
                    "requestId={} is still open on {} after {}; slot {} waits up to {} for transactions open on the"
                            + " task events to end, in case its outcome is behind one",
                    requestId,
                    prior.lastWorkerId(),
                    openAttemptWait,
                    slot,
                    OPEN_TRANSACTION_WAIT);
            try {
                prior = hold.lookUp(() -> ledger.priorAttemptsPastOpenTransactions(requestId, OPEN_TRANSACTION_WAIT));
            } catch (InterruptedException | Lease.LockLost e) {
                throw e;
            } catch (Exception e) {
                // Every step written before the look is decided or the wait is over: what the ledger holds now stands.
                log.warn(
                        "requestId={}: transactions on the task events did not end in time ({}); deciding on what is"
                                + " known",
                        requestId,
                        e.toString());
            }
        }
        if (!prior.finished() && recordedHere.test(prior)) {
            return endedHere(log, requestId, delivery);
        }
        if (prior.finished()) {
            log.info(
                    "requestId={} already {} in the fleet; delivery {} acknowledged without running it again",
                    requestId,
                    prior.outcome(),
                    delivery);
            return new AlreadyEnded(prior.outcome());
        }
        if (prior.abandoned() > 0) {
            log.warn(
                    "requestId={} was started {} time(s) without an end, last by {}: {} of them let go of by their"
                            + " gateway, the others' workers died or left mid-task",
                    requestId,
                    prior.abandoned(),
                    prior.lastWorkerId(),
                    prior.letGo());
        }
        return new Run(prior);
    }

    /**
     * An outcome this worker recorded a moment ago that the ledger does not show yet (a transaction a broker restart
     * left open holds read-committed readers back): running the task again would repeat its effect.
     */
    private static LedgerVerdict endedHere(Logger log, String requestId, int delivery) {
        log.info(
                "requestId={} ended on this worker a moment ago, not yet seen in the ledger; delivery {} acknowledged"
                        + " without running it again",
                requestId,
                delivery);
        return new AlreadyEnded(null);
    }

    /**
     * The ledger could not be brought up to date: an outcome its copy already holds, or one this worker recorded, still
     * ends the task (it is final), anything else leaves it unchecked, not run.
     */
    private static LedgerVerdict unchecked(
            TaskLedger ledger,
            String slot,
            String requestId,
            int delivery,
            String why,
            Predicate<PriorAttempts> recordedHere,
            Logger log) {
        PriorAttempts known = ledger.knownNow(requestId);
        if (!known.finished() && recordedHere.test(known)) {
            return endedHere(log, requestId, delivery);
        }
        if (known.finished()) {
            log.info(
                    "requestId={} already {} in the fleet (the ledger's copy, not brought up to date: {}); delivery {}"
                            + " acknowledged without running it again",
                    requestId,
                    known.outcome(),
                    why,
                    delivery);
            return new AlreadyEnded(known.outcome());
        }
        log.warn("slot {} cannot check requestId={} in the ledger; not running it: {}", slot, requestId, why);
        return new Unchecked(why);
    }
}
