package io.dsp.console.board;

import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.WorkerPresence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The console's read models, fed record by record from the topics and read as snapshots. Everything here is
 * idempotent (latest presence and facts win, task events are deduplicated by event id, dead letters by request id),
 * so re-reading the topics after a failure or a restart rebuilds the same board.
 */
public final class Board {

    private final FleetModel fleet;
    private final BacklogModel backlog = new BacklogModel();
    private final RecentTasks tasks;
    private final DeadLetters deadLetters;
    private long version;
    private boolean caughtUp;

    /**
     * @param recentTasks tasks kept
     * @param stepsPerTask steps kept per task
     * @param deadLetters dead letters kept
     * @param goneWorkersShownFor how long a worker that stopped beating stays on the board
     */
    public Board(int recentTasks, int stepsPerTask, int deadLetters, Duration goneWorkersShownFor) {
        this.fleet = new FleetModel(goneWorkersShownFor);
        this.tasks = new RecentTasks(recentTasks, stepsPerTask);
        this.deadLetters = new DeadLetters(deadLetters);
    }

    public synchronized void presence(String workerId, WorkerPresence presence) {
        changed(fleet.apply(workerId, presence));
    }

    public synchronized void queueFacts(String licenseKey, QueueFacts facts) {
        changed(backlog.apply(licenseKey, facts));
    }

    public synchronized void taskEvent(TaskEvent event) {
        changed(tasks.apply(event));
    }

    public synchronized void deadLetter(String requestId, DeadLetter letter) {
        changed(deadLetters.apply(requestId, letter));
    }

    /** Marks that the board holds what was in the topics when the console started. */
    public synchronized void markCaughtUp() {
        changed(!caughtUp);
        caughtUp = true;
    }

    public synchronized boolean caughtUp() {
        return caughtUp;
    }

    /** Grows with every change; two snapshots of the same version differ only in ages and liveness. */
    public synchronized long version() {
        return version;
    }

    public synchronized BoardSnapshot snapshot(Instant now) {
        List<WorkerRow> workers = fleet.rows(now);
        List<TenantRow> tenants = backlog.rows(now);
        List<TenantRow> busy = tenants.stream().filter(BacklogModel::busy).toList();
        return new BoardSnapshot(
                now.toEpochMilli(),
                version,
                caughtUp,
                summary(workers, busy),
                workers,
                busy,
                tenants.size() - busy.size(),
                tasks.rows(now),
                deadLetters.rows());
    }

    /** Every tenant with facts, idle ones included (for metrics, which keep reporting a tenant at zero). */
    public synchronized List<TenantRow> allTenants(Instant now) {
        return backlog.rows(now);
    }

    public synchronized List<WorkerRow> workers(Instant now) {
        return fleet.rows(now);
    }

    public synchronized Optional<TaskRow> task(String requestId, Instant now) {
        return tasks.row(requestId, now);
    }

    private Summary summary(List<WorkerRow> workers, List<TenantRow> busy) {
        int live = 0;
        int draining = 0;
        int slots = 0;
        int inFlight = 0;
        for (WorkerRow w : workers) {
            if (!w.live()) {
                continue;
            }
            live++;
            inFlight += w.inFlight();
            if (w.draining()) {
                draining++;
            } else {
                slots += w.slots();
            }
        }
        long waiting = 0;
        int tenantsWaiting = 0;
        Long oldest = null;
        for (TenantRow t : busy) {
            waiting += t.waiting();
            if (t.waiting() > 0) {
                tenantsWaiting++;
            }
            if (t.oldestWaitMs() != null && (oldest == null || t.oldestWaitMs() > oldest)) {
                oldest = t.oldestWaitMs();
            }
        }
        return new Summary(
                live,
                draining,
                slots,
                inFlight,
                tenantsWaiting,
                waiting,
                oldest,
                tasks.countByStatus(),
                deadLetters.seen());
    }

    private void changed(boolean changed) {
        if (changed) {
            version++;
        }
    }
}
