package io.dsp.core.view;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One look (at a topic's end) shared by every caller that asked for it before it started. Slots of one worker that
 * hand over together each need the ledger's end as it was when they asked: instead of one request to the broker each,
 * a caller joins the round of callers gathering while the previous look is under way, and that round's look starts as
 * soon as the previous one ends. A look that started before a caller asked may miss what was written just before the
 * caller asked, so nobody joins a look under way; a caller therefore waits at most two looks, and a burst of N callers
 * costs about two requests instead of N (issue 18: one ledger barrier serves many tasks; ADR 036).
 *
 * <p>Looks run on {@code executor}, one at a time, so a caller's interrupt or timeout never ends a look that others
 * wait for. A look may take as long as the round's most patient caller allows; each caller's own timeout still bounds
 * its wait. A look that fails fails its whole round, and the next caller looks afresh.
 */
final class SharedLook<T> {

    /** The look itself, bounded by the time the round's callers allow. */
    @FunctionalInterface
    interface Look<T> {
        T look(Duration timeout) throws InterruptedException, TimeoutException;
    }

    private static final class Round<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        /** The latest deadline ({@link System#nanoTime}) among the callers that joined; guarded by the SharedLook. */
        long deadline;
        /** How many callers joined; guarded by the SharedLook. */
        int callers;

        Round(long deadline) {
            this.deadline = deadline;
        }
    }

    private final Look<T> look;
    private final Executor executor;
    /** Callers gathering for the next look; null while none waits for one that has not started. Guarded by this. */
    private Round<T> gathering;
    /** The round whose look is under way; null while none is. Guarded by this. */
    private Round<T> running;

    SharedLook(Look<T> look, Executor executor) {
        this.look = Objects.requireNonNull(look, "look");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /**
     * The result of a look that started after this call began.
     *
     * @throws TimeoutException when that look failed or timed out, or it did not end within {@code timeout}
     */
    T get(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Round<T> round;
        synchronized (this) {
            if (gathering == null) {
                gathering = new Round<>(deadline);
            } else if (deadline - gathering.deadline > 0) {
                gathering.deadline = deadline;
            }
            round = gathering;
            round.callers++;
            if (running == null) {
                start(round);
            }
        }
        try {
            return round.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException timeoutException) {
                throw timeoutException;
            }
            TimeoutException failed = new TimeoutException("the look failed: " + cause);
            failed.initCause(cause);
            throw failed;
        }
    }

    /** How many callers wait for the look that starts next (none while no look is under way). */
    synchronized int gathered() {
        return gathering == null ? 0 : gathering.callers;
    }

    /**
     * Fails every caller waiting, for the look under way and for the next one, with {@code cause}: the view stops,
     * and a look its executor dropped would otherwise never answer.
     */
    void abort(TimeoutException cause) {
        Round<T> wasRunning;
        Round<T> wasGathering;
        synchronized (this) {
            wasRunning = running;
            wasGathering = gathering;
            running = null;
            gathering = null;
        }
        if (wasRunning != null) {
            wasRunning.result.completeExceptionally(cause);
        }
        if (wasGathering != null) {
            wasGathering.result.completeExceptionally(cause);
        }
    }

    /** Starts the round's look; the caller holds this. */
    private void start(Round<T> round) {
        running = round;
        gathering = null; // whoever asks from now on needs a look that starts after this one
        Duration allowed = Duration.ofNanos(Math.max(0, round.deadline - System.nanoTime()));
        try {
            executor.execute(() -> run(round, allowed));
        } catch (RuntimeException e) {
            running = null; // no executor (the view is stopping): the round fails, its callers learn of it at once
            round.result.completeExceptionally(e);
        }
    }

    private void run(Round<T> round, Duration allowed) {
        try {
            round.result.complete(look.look(allowed));
        } catch (InterruptedException e) {
            round.result.completeExceptionally(e);
            Thread.currentThread().interrupt();
        } catch (RuntimeException | TimeoutException e) {
            round.result.completeExceptionally(e);
        } catch (Error e) {
            round.result.completeExceptionally(e);
            throw e;
        } finally {
            synchronized (this) {
                if (running == round) { // not aborted meanwhile
                    running = null;
                    if (gathering != null) {
                        start(gathering);
                    }
                }
            }
        }
    }
}
