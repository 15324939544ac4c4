package io.dsp.core.slot;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Lets a task suspected of killing workers run with nothing else on this worker (ADR 038). When a worker dies, every
 * task it ran dies with it, so deaths alone cannot tell the task that killed it from its neighbours: a suspect (as
 * many abandoned attempts as {@code quarantine-after}) runs once more, alone, before it is quarantined. Its slot first
 * takes the worker's one solo turn, then waits for the tasks running here to end; tasks that would start meanwhile wait
 * until the suspect's run ends, and the other slots acquire nothing new meanwhile ({@link #awaitNoSoloTurn}). Every
 * wait keeps its slot's lock (the caller's {@link Waiting}).
 *
 * <p>A pass is closed once its slot's task thread is idle (gpu-consumer's {@code Slot}): a handler stopped by its deadline may
 * outlive its future, and a run beside it is not alone. On a one-slot worker a run is alone whenever no earlier
 * handler of its slot still runs.
 */
public final class WorkerIsolation {

    /** Waits for a change of the gate while the caller's slot keeps its lock ({@link Lease#await}). */
    @FunctionalInterface
    public interface Waiting {
        void until(CompletableFuture<Void> change) throws InterruptedException, Lease.LockLost;
    }

    /** The right to run one task; closing it lets waiting slots go on. */
    public interface Pass extends AutoCloseable {
        /** Whether nothing else runs on this worker while this pass is held. */
        boolean alone();

        @Override
        void close();
    }

    private final boolean oneSlot;
    /** Tasks running with others allowed beside them. */
    private int shared;
    /** Whether a suspect holds the solo turn: waiting for the worker to empty, or running. */
    private boolean soloTurnTaken;

    private CompletableFuture<Void> changed = new CompletableFuture<>();

    /** @param slots the worker's slots: with one, a run is alone whenever nothing earlier still runs */
    public WorkerIsolation(int slots) {
        this.oneSlot = slots == 1;
    }

    /**
     * Waits until this slot may run its task: a suspect alone, any other task when no suspect holds the solo turn.
     *
     * @throws Lease.LockLost when the lock is lost while waiting: the task must go back, unrun
     * @throws InterruptedException when the wait is given up (the worker stops): the task must go back, unrun
     */
    public Pass enter(boolean suspect, Waiting waiting) throws InterruptedException, Lease.LockLost {
        return suspect ? enterAlone(waiting) : enterShared(waiting);
    }

    /**
     * Waits, holding no record, while a suspect holds the solo turn, at most {@code timeoutMillis}; true when none
     * does. A slot asks before it acquires anything, so that no record waits behind a suspect at this worker while
     * another worker could run it.
     */
    public boolean awaitNoSoloTurn(long timeoutMillis) throws InterruptedException {
        CompletableFuture<Void> change;
        synchronized (this) {
            if (!soloTurnTaken) {
                return true;
            }
            change = changed;
        }
        try {
            change.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // looked at again by the caller
        }
        synchronized (this) {
            return !soloTurnTaken;
        }
    }

    private Pass enterShared(Waiting waiting) throws InterruptedException, Lease.LockLost {
        while (true) {
            CompletableFuture<Void> change;
            synchronized (this) {
                if (!soloTurnTaken) {
                    boolean alone = oneSlot && shared == 0;
                    shared++;
                    return pass(alone, this::leaveShared);
                }
                change = changed;
            }
            waiting.until(change);
        }
    }

    private Pass enterAlone(Waiting waiting) throws InterruptedException, Lease.LockLost {
        while (true) {
            CompletableFuture<Void> change;
            synchronized (this) {
                if (!soloTurnTaken) {
                    soloTurnTaken = true;
                    break;
                }
                change = changed;
            }
            waiting.until(change);
        }
        boolean entered = false;
        try {
            while (true) {
                CompletableFuture<Void> change;
                synchronized (this) {
                    if (shared == 0) {
                        entered = true;
                        return pass(true, this::leaveAlone);
                    }
                    change = changed;
                }
                waiting.until(change);
            }
        } finally {
            if (!entered) {
                leaveAlone(); // whatever ended the wait (a lost lock, a stop, an Error), the turn is given back
            }
        }
    }

    /** Tasks running beside others now; for tests and diagnostics. */
    public synchronized int sharedRunning() {
        return shared;
    }

    /** Whether a suspect holds the solo turn now; for tests and diagnostics. */
    public synchronized boolean soloTurnTaken() {
        return soloTurnTaken;
    }

    private synchronized void leaveShared() {
        shared--;
        signal();
    }

    private synchronized void leaveAlone() {
        soloTurnTaken = false;
        signal();
    }

    /** Wakes every waiting slot to look again; called holding this object's monitor. */
    private void signal() {
        CompletableFuture<Void> woken = changed;
        changed = new CompletableFuture<>();
        woken.complete(null);
    }

    private static Pass pass(boolean alone, Runnable leave) {
        return new Pass() {
            private boolean closed;

            @Override
            public boolean alone() {
                return alone;
            }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    leave.run();
                }
            }
        };
    }
}
