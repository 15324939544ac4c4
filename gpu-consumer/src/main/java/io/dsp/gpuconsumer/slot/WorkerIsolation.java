package io.dsp.gpuconsumer.slot;

import io.dsp.core.slot.Lease;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Lets a task suspected of killing workers run with nothing else on this worker (ADR 038). When a worker dies, every
 * task it ran dies with it, so deaths alone cannot tell the task that killed it from its neighbours: a suspect (as
 * many abandoned attempts as {@code quarantine-after}) runs once more, alone, before it is quarantined. Its slot first
 * takes the worker's one solo turn, then waits for the tasks running here to end; tasks that would start meanwhile wait
 * until the suspect's run ends. Every wait keeps its slot's lock (the caller's {@link Waiting}).
 *
 * <p>On a one-slot worker every run is alone and nothing waits.
 */
final class WorkerIsolation {

    /** Waits for a future while the caller's slot keeps its lock ({@link Lease#await}). */
    @FunctionalInterface
    interface Waiting {
        void until(Future<Void> change) throws InterruptedException, Lease.LockLost;

        /** The lease's wait: renews the lock on its schedule until the change comes. */
        static Waiting keeping(Lease lease) {
            return change -> {
                try {
                    lease.await(change);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("a change of the isolation gate never fails", e);
                }
            };
        }
    }

    /** The right to run one task; closing it lets waiting slots go on. */
    interface Pass extends AutoCloseable {
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

    /** @param slots the worker's slots: with one, every run is alone */
    WorkerIsolation(int slots) {
        this.oneSlot = slots == 1;
    }

    /**
     * Waits until this slot may run its task: a suspect alone, any other task when no suspect holds the solo turn.
     *
     * @throws Lease.LockLost when the lock is lost while waiting: the task must go back, unrun
     */
    Pass enter(boolean suspect, Waiting waiting) throws InterruptedException, Lease.LockLost {
        if (oneSlot) {
            return pass(true, () -> {});
        }
        return suspect ? enterAlone(waiting) : enterShared(waiting);
    }

    private Pass enterShared(Waiting waiting) throws InterruptedException, Lease.LockLost {
        while (true) {
            Future<Void> change;
            synchronized (this) {
                if (!soloTurnTaken) {
                    shared++;
                    return pass(false, this::leaveShared);
                }
                change = changed;
            }
            waiting.until(change);
        }
    }

    private Pass enterAlone(Waiting waiting) throws InterruptedException, Lease.LockLost {
        while (true) {
            Future<Void> change;
            synchronized (this) {
                if (!soloTurnTaken) {
                    soloTurnTaken = true;
                    break;
                }
                change = changed;
            }
            waiting.until(change);
        }
        try {
            while (true) {
                Future<Void> change;
                synchronized (this) {
                    if (shared == 0) {
                        return pass(true, this::leaveAlone);
                    }
                    change = changed;
                }
                waiting.until(change);
            }
        } catch (InterruptedException | Lease.LockLost | RuntimeException e) {
            leaveAlone();
            throw e;
        }
    }

    /** Tasks running beside others now; for tests and diagnostics. */
    synchronized int sharedRunning() {
        return shared;
    }

    /** Whether a suspect holds the solo turn now; for tests and diagnostics. */
    synchronized boolean soloTurnTaken() {
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
