package io.dsp.gateway.worker;

import io.dsp.gateway.connection.Connection;
import io.dsp.schemas.avro.TaskRequested;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A connected legacy worker: its connection, the task types it runs, and its slots with the tasks they hold. */
final class LegacyWorker {

    private static final int CANCELLED_REMEMBERED = 1_000;

    private final String id;
    private final Connection connection;
    private final Set<String> taskTypes;
    private final Instant startedAt;
    private final List<WorkerSlot> slots = new CopyOnWriteArrayList<>();
    private final Map<String, WorkerSlot> running = new ConcurrentHashMap<>();
    private final Map<String, TaskRequested> cancelled = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskRequested> eldest) {
            return size() > CANCELLED_REMEMBERED;
        }
    };
    private volatile boolean connected = true;
    private volatile boolean draining;

    LegacyWorker(String id, Connection connection, Set<String> taskTypes, Instant startedAt) {
        this.id = id;
        this.connection = connection;
        this.taskTypes = Set.copyOf(taskTypes);
        this.startedAt = startedAt;
    }

    String id() {
        return id;
    }

    Connection connection() {
        return connection;
    }

    boolean runs(String taskType) {
        return taskTypes.contains(taskType);
    }

    Instant startedAt() {
        return startedAt;
    }

    List<WorkerSlot> slots() {
        return slots;
    }

    boolean connected() {
        return connected && connection.isOpen();
    }

    /** Whether an operator drained it: it finishes what runs and takes nothing new. */
    boolean draining() {
        return draining;
    }

    void draining(boolean draining) {
        this.draining = draining;
    }

    void disconnected() {
        connected = false;
    }

    void running(String requestId, WorkerSlot slot) {
        running.put(requestId, slot);
    }

    void done(String requestId) {
        running.remove(requestId);
    }

    Optional<WorkerSlot> slotRunning(String requestId) {
        return Optional.ofNullable(running.get(requestId));
    }

    Optional<TaskRequested> task(String requestId) {
        return slotRunning(requestId).map(WorkerSlot::task);
    }

    /** A task cancelled while this worker ran it: its late result is recorded, not delivered. */
    void cancelledWhileRunning(TaskRequested task) {
        synchronized (cancelled) {
            cancelled.put(task.getRequestId(), task);
        }
    }

    Optional<TaskRequested> cancelledTask(String requestId) {
        synchronized (cancelled) {
            return Optional.ofNullable(cancelled.get(requestId));
        }
    }

    int inFlight() {
        return running.size();
    }
}
