package io.dsp.gateway.worker;

import io.dsp.core.slot.RequestClaims;
import io.dsp.core.slot.WorkerIsolation;
import io.dsp.gateway.connection.Connection;
import io.dsp.schemas.avro.TaskRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A connected legacy worker: its connection, the HeyGem server behind it, the task types it runs, and its slots with the
 * tasks they hold (and the GPU's task ids of the syntheses they follow).
 */
final class LegacyWorker {

    private static final int CANCELLED_REMEMBERED = 1_000;

    private final String id;
    private final LegacyWorkerKind kind;
    private final Connection connection;
    private final Set<String> taskTypes;
    private final Instant startedAt;
    private final LegacyGpu gpu;
    private final List<WorkerSlot> slots = new CopyOnWriteArrayList<>();
    private final RequestClaims requests = new RequestClaims();
    private final Map<String, WorkerSlot> running = new ConcurrentHashMap<>();
    private final Map<String, WorkerSlot> following = new ConcurrentHashMap<>();
    private final Map<String, TaskRequested> cancelled = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskRequested> eldest) {
            return size() > CANCELLED_REMEMBERED;
        }
    };
    /** Automation tasks admitted per type (ws_worker runs 4 ChatGLM pages and 1 transcription at a time). */
    private final Map<String, Integer> admitted = new java.util.HashMap<>();

    private final java.util.concurrent.atomic.AtomicInteger backlogTaken =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean connected = true;
    private volatile boolean draining;
    /** Lets a task suspected of killing workers run with nothing else on this worker (ADR 038). */
    private final WorkerIsolation isolation;

    private volatile boolean withdrawnByGateway;
    /** Completed when the worker leaves: slots waiting for their turn stop waiting. */
    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    /** Completed when the worker starts draining (a fresh one once undrained): waiting slots give their task back. */
    private volatile CompletableFuture<Void> drained = new CompletableFuture<>();
    /**
     * Tasks handed to the worker whose slot stopped waiting for its answer (cancelled, timed out, lock lost) while the
     * worker may still run them, with until when ({@link System#nanoTime()}): no run beside them is alone.
     */
    private final Map<String, Long> lingering = new ConcurrentHashMap<>();

    LegacyWorker(
            String id,
            LegacyWorkerKind kind,
            Connection connection,
            Set<String> taskTypes,
            Instant startedAt,
            LegacyGpu gpu,
            int slots) {
        this.id = id;
        this.isolation = new WorkerIsolation(slots);
        this.kind = kind;
        this.gpu = gpu;
        this.connection = connection;
        this.taskTypes = Set.copyOf(taskTypes);
        this.startedAt = startedAt;
    }

    String id() {
        return id;
    }

    LegacyWorkerKind kind() {
        return kind;
    }

    /** A GPU worker that is not draining: it counts as "GPU online" and as room for GPU tasks. */
    boolean offersGpu() {
        return kind == LegacyWorkerKind.GPU && !draining;
    }

    LegacyGpu gpu() {
        return gpu;
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

    /** The request ids this worker's slots hold: a copy held by a sibling slot waits for it to let go. */
    RequestClaims requests() {
        return requests;
    }

    boolean connected() {
        return connected && connection.isOpen();
    }

    /** Whether an operator drained it: it finishes what runs and takes nothing new. */
    boolean draining() {
        return draining;
    }

    synchronized void draining(boolean draining) {
        if (draining) {
            this.draining = true;
            drained.complete(null);
        } else {
            if (drained.isDone()) {
                drained = new CompletableFuture<>(); // before the flag: a waiter never sees a done future undrained
            }
            this.draining = false;
        }
    }

    /** Completed once the worker drains (or when it already does). */
    CompletableFuture<Void> drained() {
        return drained;
    }

    /** A task handed over may still run at the worker for up to {@code atMost}, though its slot let go of it. */
    void lingering(String requestId, Duration atMost) {
        anyLingering(); // pruned here too, so the map holds only what may still run
        lingering.put(requestId, System.nanoTime() + atMost.toNanos());
    }

    /** The worker answered a task: it no longer runs it. */
    void answered(String requestId) {
        lingering.remove(requestId);
    }

    /** Whether a task its slot let go of may still run at the worker. */
    boolean anyLingering() {
        long now = System.nanoTime();
        lingering.values().removeIf(until -> until - now <= 0);
        return !lingering.isEmpty();
    }

    void disconnected() {
        connected = false;
        gone.complete(null);
    }

    /**
     * Marks the worker as withdrawn by its stopping gateway, before it is detached: it is still connected to the GPU
     * and may finish what it runs, so what its slots let go of then is no death.
     */
    void withdrawnByGateway() {
        withdrawnByGateway = true;
    }

    /** Whether its gateway withdrew it (stopping), rather than the worker leaving. */
    boolean isWithdrawnByGateway() {
        return withdrawnByGateway;
    }

    /** Completed once the worker has left. */
    CompletableFuture<Void> gone() {
        return gone;
    }

    WorkerIsolation isolation() {
        return isolation;
    }

    /**
     * The slots presence offers: all of them, except while a suspect holds the solo turn, when only those that hold a
     * record (the others are out of the share group and take nothing).
     */
    int offeredSlots() {
        if (!isolation.soloTurnTaken()) {
            return slots.size();
        }
        return (int) slots.stream().filter(s -> s.holding().isPresent()).count();
    }

    void running(String requestId, WorkerSlot slot) {
        running.put(requestId, slot);
        TaskRequested task = slot.task();
        if (task != null
                && task.getRequestedAt() != null
                && task.getRequestedAt().isBefore(startedAt)) {
            backlogTaken.incrementAndGet();
        }
    }

    /** Tasks handed to this worker that were requested before it registered (the backlog it took). */
    int backlogTaken() {
        return backlogTaken.get();
    }

    void done(String requestId) {
        WorkerSlot slot = running.remove(requestId);
        if (slot != null) {
            following.values().removeIf(s -> s == slot);
        }
    }

    /** The slot follows the GPU's task with this id (the request id, or the GPU's cache key on a cache hit). */
    void following(String gpuTaskId, WorkerSlot slot) {
        following.put(gpuTaskId, slot);
    }

    Optional<WorkerSlot> slotRunning(String requestId) {
        return Optional.ofNullable(running.get(requestId));
    }

    /** The slot whose task a {@code gpu.task.progress} frame with this {@code task_id} is about. */
    Optional<WorkerSlot> slotOfGpuTask(String taskId) {
        return slotRunning(taskId).or(() -> Optional.ofNullable(following.get(taskId)));
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

    /** Takes one of this type's places on an automation worker, if one is free. */
    synchronized boolean admit(String taskType, int capacity) {
        int now = admitted.getOrDefault(taskType, 0);
        if (now >= capacity) {
            return false;
        }
        admitted.put(taskType, now + 1);
        return true;
    }

    synchronized void unadmit(String taskType) {
        admitted.computeIfPresent(taskType, (t, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * The slot an automation worker's result answers: the task it names by {@code request_id} when it echoes one, else
     * its only task of that type, else the oldest of that type for the result's license key (ws_worker answers in order
     * per page, and echoes the key).
     */
    Optional<WorkerSlot> answeredBy(String requestId, String taskType, String key) {
        if (requestId != null && running.containsKey(requestId)) {
            return slotRunning(requestId);
        }
        List<WorkerSlot> ofType = running.values().stream()
                .filter(s -> s.task() != null && taskType.equals(s.task().getTaskType()))
                .sorted(java.util.Comparator.comparingLong(WorkerSlot::handedAt))
                .toList();
        if (ofType.size() <= 1) {
            return ofType.stream().findFirst();
        }
        return ofType.stream()
                .filter(s -> key == null || key.equals(s.task().getLicenseKey()))
                .findFirst();
    }

    /** Request ids of the tasks its slots hold now: presence names them so the dispatcher can reconcile. */
    List<String> held() {
        return slots.stream().flatMap(slot -> slot.holding().stream()).toList();
    }

    /** Whether any of its slots holds a task (acquired, handed over, or being recorded). */
    boolean holdsTasks() {
        return slots.stream().anyMatch(slot -> slot.holding().isPresent());
    }

    int inFlight() {
        return running.size();
    }
}
