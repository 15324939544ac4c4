package io.dsp.gateway.worker;

import io.dsp.core.heygem.HeyGemServerClient;
import io.dsp.core.ledger.PriorAttempts;
import io.dsp.core.ledger.TaskLedger;
import io.dsp.core.legacy.LegacyTaskPayloads;
import io.dsp.core.license.LicenseKeys;
import io.dsp.core.slot.Acquired;
import io.dsp.core.slot.HandOverSteps;
import io.dsp.core.slot.Lease;
import io.dsp.core.slot.LedgerVerdict;
import io.dsp.core.slot.Outcome;
import io.dsp.core.slot.RequestClaims;
import io.dsp.core.slot.RidingAcknowledgements;
import io.dsp.core.slot.SlotLogContext;
import io.dsp.core.slot.TaskTypeDeadlines;
import io.dsp.core.slot.WorkerIsolation;
import io.dsp.core.store.ResultStore;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.routing.Origins;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.StoredResult;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.UploadAssetPayload;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.trace.TraceContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * One slot of a legacy worker: a share consumer of the GPU fleet's group that acquires one task per poll, hands it to
 * the worker as a legacy {@code gpu.job.submit} frame, keeps the task's lock while the worker runs it (the renewal
 * sequence {@code RENEW}, {@code commitSync}, {@code poll(100 ms)} measured in the share-groups probe), and ACCEPTs it
 * once the worker's result is recorded, the acknowledgement riding on the next poll (ADR 034). When the worker's
 * connection drops, the consumer is closed, which hands the task back to the group at once.
 *
 * <p>A {@code heygem_submit} or {@code upload_asset} names files by md5 that live in asset-api's blob store: they are
 * put into the GPU's pool over its HTTP API first ({@link LegacyGpu}). A legacy GPU answers {@code heygem_submit} at
 * acceptance, not at completion: that answer is recorded as progress, the slot stays busy (so a GPU never holds more
 * syntheses than its slots) and follows the GPU's task to its end, through its {@code gpu.task.progress} frames or else
 * by polling its {@code progress}; the video is downloaded into the result store before SUCCEEDED is recorded. A result
 * frame whose {@code task_type} is {@code progress} (the seed guide's progress pattern) is progress too. A synthesis
 * delivered again that the GPU already has (its socket dropped, or its gateway died, before the end was recorded) is
 * followed there, not handed over again.
 *
 * <p>Before a task is handed over, the fleet's task ledger is consulted exactly as a native slot does: a task that
 * already has an outcome is acknowledged and never run again (legacy workers cannot be asked whether they ran it), and
 * one that cannot be checked in time is released, not run unchecked. While the ledger is stalled the slot leaves the
 * share group, so that no task burns its deliveries on a slot that cannot check it.
 */
final class WorkerSlot implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(WorkerSlot.class);
    /** How long a slot leaves the group's records to other members after one its worker cannot run. */
    static final Duration AFTER_UNRUNNABLE = Duration.ofSeconds(1);

    /** How often a task waiting for its turn at the worker looks whether it was cancelled meanwhile. */
    static final Duration CANCEL_LOOK_INTERVAL = Duration.ofSeconds(2);

    /** What the connection's thread hands to the slot. */
    sealed interface Signal {}

    record Result(JsonNode frame) implements Signal {}

    /** A {@code gpu.task.progress} frame about the task this slot holds. */
    record Progress(JsonNode frame) implements Signal {}

    record Gone() implements Signal {}

    /** The owner cancelled the task with this request id. */
    record Cancel(String requestId, String reason) implements Signal {}

    private final String name;
    /** Whether the worker's run of the task in hand ended (its answer, or its GPU's end): the slot thread's only. */
    private boolean workerAnswered;

    private final LegacyWorker worker;
    private final Supplier<ShareConsumer<byte[], byte[]>> consumers;
    private final TaskReporter reporter;
    private final LegacyTaskPayloads payloads;
    private final Origins origins;
    private final SlotTiming timing;
    private final Runnable changed;
    private final Cancellations cancellations;
    private final TaskLedger ledger;
    private final LegacyOutcomes outcomes;
    private final HandOverSteps handOver;
    /**
     * When the last task's outcome was acknowledged ({@link System#nanoTime()}), 0 when none waits to be timed: the
     * start of the next task's {@code fetch} step. Slot thread only.
     */
    private long endedAt;

    private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private volatile ShareConsumer<byte[], byte[]> consumer;
    private volatile TaskRequested task;
    private volatile TraceContext trace = TraceContext.start();
    private volatile long handedAt;
    /** Final acknowledgements riding on the consumer's next poll (ADR 034); the slot's thread only. */
    private final RidingAcknowledgements riding = new RidingAcknowledgements();
    /** Set by a failed ridden acknowledgement that left the consumer in an unknown state; the slot's thread only. */
    private boolean spoiled;

    /** The request id of the record this slot has acquired and not yet acknowledged; null while it holds none. */
    private volatile String holding;
    /** The hold on the record being handled; the slot's thread only. */
    private Lease held;
    /** No poll before this ({@link System#nanoTime}): set after a record the worker cannot run; the slot's thread only. */
    private long pollAfter = System.nanoTime();
    /** Runs the slot's blocking steps (sends, look-ups, transfers) while its thread keeps the lock (ADR 018). */
    private ExecutorService io;

    private final Lane lane;
    private final ToIntFunction<String> capacity;

    /**
     * Timing of a slot.
     *
     * @param pollTimeout longest wait in one poll
     * @param renewInterval how often a running task's lock is renewed
     * @param taskTimeouts longest wait for the worker's result, by task type
     * @param deliveryCountLimit the broker's delivery limit; the last delivery of a vanished worker is dead-lettered
     * @param gpuPollInterval how often a followed synthesis is asked for its progress when no frame came since
     * @param openAttemptWait how long a task another worker's attempt still holds open is held before it runs here
     * @param quarantineAfter earlier attempts that ended with their worker gone before a task is suspect (ADR 038)
     */
    record SlotTiming(
            Duration pollTimeout,
            Duration renewInterval,
            TaskTypeDeadlines taskTimeouts,
            int deliveryCountLimit,
            Duration gpuPollInterval,
            Duration openAttemptWait,
            int quarantineAfter) {}

    /**
     * A slot of this lane; an automation slot waits (its task's lock kept) while its worker already runs
     * {@code capacity} tasks of that type.
     */
    WorkerSlot(
            String name,
            LegacyWorker worker,
            Lane lane,
            ToIntFunction<String> capacity,
            Supplier<ShareConsumer<byte[], byte[]>> consumers,
            TaskReporter reporter,
            LegacyTaskPayloads payloads,
            Origins origins,
            SlotTiming timing,
            Cancellations cancellations,
            TaskLedger ledger,
            LegacyOutcomes outcomes,
            HandOverSteps handOver,
            Runnable changed) {
        this.name = name;
        this.lane = lane;
        this.capacity = capacity;
        this.worker = worker;
        this.consumers = consumers;
        this.reporter = reporter;
        this.payloads = payloads;
        this.origins = origins;
        this.timing = timing;
        this.changed = changed;
        this.cancellations = cancellations;
        this.ledger = ledger;
        this.outcomes = outcomes;
        this.handOver = handOver;
    }

    /** The trace of the task this slot holds (a child span of the record's). */
    TraceContext trace() {
        return trace;
    }

    TaskRequested task() {
        return task;
    }

    /** When its task was handed to the worker ({@link System#nanoTime()}), to match results in order. */
    long handedAt() {
        return handedAt;
    }

    void offer(Signal signal) {
        signals.add(signal);
    }

    /** The worker left: stop waiting, close the consumer, hand back whatever is held. */
    void workerGone() {
        signals.add(new Gone());
        ShareConsumer<byte[], byte[]> c = consumer;
        if (c != null && task == null) {
            c.wakeup(); // only an idle poll is interrupted; a held task is handled by the slot's own thread
        }
    }

    @Override
    /**
     * Polls one task at a time while the worker is connected. While the worker drains, the slot leaves the share group
     * (its consumer is closed once its task is done, so it takes nothing new and no release counts as a delivery) and
     * joins again when it is undrained.
     */
    public void run() {
        io = Executors.newSingleThreadExecutor(r -> new Thread(r, name + "-io"));
        try {
            // a task of the last run's kept outcomes, redelivered here, must find its outcome in the ledger first
            while (!outcomes.awaitReplayed(timing.pollTimeout())) {
                if (!worker.connected()) {
                    return;
                }
            }
            while (worker.connected()) {
                if (worker.draining() || ledger.failure().isPresent()) {
                    closeConsumer();
                    if (signals.poll(timing.pollTimeout().toMillis(), TimeUnit.MILLISECONDS) instanceof Gone) {
                        return;
                    }
                    continue;
                }
                if (worker.isolation().soloTurnTaken()) {
                    // A suspect of this worker runs alone (ADR 038): out of the share group meanwhile, as while
                    // draining, so that no record waits here behind it while another worker could run it.
                    closeConsumer();
                    worker.isolation()
                            .awaitNoSoloTurn(Math.max(1, timing.pollTimeout().toMillis()));
                    continue;
                }
                long pause = pollAfter - System.nanoTime();
                if (pause > 0) {
                    if (signals.poll(pause, TimeUnit.NANOSECONDS) instanceof Gone) {
                        return;
                    }
                    continue;
                }
                ShareConsumer<byte[], byte[]> c = consumer;
                if (c == null) {
                    c = consumers.get();
                    c.setAcknowledgementCommitCallback(this::answered);
                    c.subscribe(List.of(lane.dispatch().name()));
                    consumer = c;
                }
                for (ConsumerRecord<byte[], byte[]> record : c.poll(timing.pollTimeout())) {
                    handle(c, record);
                }
                if (spoiled) {
                    closeConsumer(); // replaced before the next poll
                }
            }
        } catch (WakeupException e) {
            // the worker left while the slot was idle
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("slot {} stopped; its task, if any, goes back to the fleet", name, e);
        } finally {
            // a slot stopped with the gateway still closes its consumer, which hands back what it holds at once
            boolean interrupted = Thread.interrupted();
            closeConsumer();
            io.shutdown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            log.debug("slot {} closed", name);
        }
    }

    private void closeConsumer() {
        ShareConsumer<byte[], byte[]> c = consumer;
        consumer = null;
        if (c != null) {
            try {
                c.close(); // sends what still rides, and answers it
            } catch (RuntimeException e) {
                log.debug("slot {} consumer did not close cleanly: {}", name, e.toString());
            }
        }
        riding.clear();
        spoiled = false;
        endedAt = 0; // a slot out of the group (draining, a stalled ledger, a suspect's solo turn) is not handing over
    }

    private void handle(ShareConsumer<byte[], byte[]> c, ConsumerRecord<byte[], byte[]> record) {
        if (endedAt != 0) {
            handOver.since(HandOverSteps.Step.FETCH, endedAt);
            endedAt = 0;
        }
        Lease lease = new Lease(c, record, timing.renewInterval());
        Optional<Acquired> acquired = Acquired.of(record);
        if (acquired.isEmpty()) {
            acknowledge(lease, AcknowledgeType.REJECT);
            return;
        }
        TaskRequested decoded = acquired.get().task();
        trace = acquired.get().trace();
        holding = decoded.getRequestId();
        held = lease;
        try (SlotLogContext ignored =
                SlotLogContext.open(acquired.get(), LicenseKeys.mask(decoded.getLicenseKey()), worker.id())) {
            Optional<RequestClaims.Claim> claim = claim(lease, decoded.getRequestId());
            if (claim.isPresent()) {
                try (RequestClaims.Claim mine = claim.get()) {
                    handle(lease, decoded, acquired.get().delivery());
                }
            }
        } finally {
            held = null;
            holding = null;
        }
    }

    /**
     * Claims the task among this worker's slots: a copy that a sibling slot still holds (a broker restart handed the
     * record on while the sibling recorded the legacy worker's outcome) waits, keeping its lock, until the sibling lets
     * go; then the outcome the sibling recorded ends the copy ({@code OutcomeRecorder}), and a copy given back without
     * one runs. Empty when the copy went back meanwhile.
     */
    private Optional<RequestClaims.Claim> claim(Lease lease, String requestId) {
        if (worker.requests().held(requestId)) {
            log.info(
                    "slot {}: requestId={} is held by another slot of this worker; waiting for it to let go",
                    name,
                    requestId);
        }
        try {
            return Optional.of(worker.requests().claim(requestId, lease));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acknowledge(lease, AcknowledgeType.RELEASE);
        } catch (Lease.LockLost e) {
            giveBackLost(lease, requestId, "while another slot of this worker held it", e);
        }
        return Optional.empty();
    }

    /** Gives back a copy whose lock was lost while it waited, before it was handed over. */
    private void giveBackLost(Lease lease, String requestId, String waiting, Lease.LockLost lost) {
        log.warn("slot {} lost requestId={} {}: {}", name, requestId, waiting, lost.getMessage());
        acknowledge(lease, AcknowledgeType.RELEASE);
        closeConsumer(); // replaced before the next poll, as after any lost lock
    }

    /** The task this slot holds (acquired, waiting for admission, running or followed), if any: named in presence. */
    Optional<String> holding() {
        return Optional.ofNullable(holding);
    }

    private void handle(Lease lease, TaskRequested decoded, int delivery) {
        String requestId = decoded.getRequestId();
        LedgerVerdict verdict;
        long lookedAt = System.nanoTime();
        try {
            verdict = LedgerVerdict.of(
                    ledger,
                    name,
                    requestId,
                    delivery,
                    worker.id(),
                    timing.openAttemptWait(),
                    LedgerVerdict.Hold.of(lease, io),
                    prior -> outcomes.endedHere(requestId, prior));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acknowledge(lease, AcknowledgeType.RELEASE);
            return;
        } catch (Lease.LockLost e) {
            giveBackLost(lease, requestId, "while waiting for its open attempt", e);
            return;
        }
        handOver.since(HandOverSteps.Step.LEDGER, lookedAt);
        if (verdict instanceof LedgerVerdict.Unchecked) {
            // Not knowing whether it finished, the slot must not hand it over; another delivery checks again.
            giveBackQuietly(lease, decoded, delivery, "its task ledger could not be checked");
            return;
        }
        if (verdict instanceof LedgerVerdict.AlreadyEnded ended) {
            outcomes.skipped(ended.outcome());
            // Acknowledged, not run twice, nothing published again. No quarantine for a run whose legacy worker
            // vanished: the delivery limit ends a task whose workers keep vanishing (see awaitOutcome).
            acknowledge(lease, AcknowledgeType.ACCEPT);
            return;
        }
        PriorAttempts prior = ((LedgerVerdict.Run) verdict).prior();
        Optional<io.dsp.schemas.avro.TaskControl> cancelled = cancellations.of(decoded);
        if (cancelled.isPresent()) {
            endCancelled(lease, decoded, delivery, cancelled.get());
            return;
        }
        if (!worker.connected() || worker.draining() || !worker.runs(decoded.getTaskType())) {
            // Released, not run and not judged: another member takes it. A slot whose worker cannot run the task says
            // nothing about it, not even that it kills workers (its deaths were on workers that could). Every release
            // counts as a delivery, which is why the fleet should keep lanes of task types apart rather than rely on
            // this.
            giveBackQuietly(lease, decoded, delivery, "worker " + worker.id() + " cannot take it now");
            // The next poll would most likely take the same record again at once, each time a delivery towards the
            // group's limit (the fault suite saw one slot burn all five in 50 ms): a pause lets other members have it.
            pollAfter = System.nanoTime() + AFTER_UNRUNNABLE.toNanos();
            return;
        }
        Followed onTheGpu;
        try {
            onTheGpu = alreadyOnTheGpu(decoded, prior.abandoned() > 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acknowledge(lease, AcknowledgeType.RELEASE);
            return;
        }
        // A synthesis its GPU still has is not poison: the sockets of the workers that took it dropped while the GPU
        // made it, and it is followed there, not run again. Nor is a delete or upload done over the GPU's HTTP API,
        // with no worker to kill: it is quarantined only if that fails (see run). A suspect whose latest death had
        // company runs once more, alone (ADR 038): a worker's death ends every task on it, the innocent ones too.
        boolean suspect = prior.deaths() >= timing.quarantineAfter() && onTheGpu == null;
        if (suspect && prior.lastAbandonedAlone() && !idempotentOverHttp(decoded)) {
            quarantine(lease, decoded, delivery, prior);
            return;
        }
        run(lease, decoded, delivery, onTheGpu, prior, suspect);
    }

    /** Cancelled after its release: it ends here, never run (the dispatcher may have said so too). */
    private void endCancelled(Lease lease, TaskRequested t, int delivery, io.dsp.schemas.avro.TaskControl cancel) {
        try {
            leased(() -> reporter.cancelled(t, worker.id(), delivery, cancel.getReason(), trace));
            acknowledge(lease, AcknowledgeType.ACCEPT);
        } catch (Exception e) {
            log.warn("could not record the cancellation of requestId={}: {}", t.getRequestId(), e.toString());
            acknowledge(lease, AcknowledgeType.RELEASE);
        }
    }

    /** A poison task: every worker that took it went away mid-task. It is dead-lettered, not handed to another one. */
    private void quarantine(Lease lease, TaskRequested t, int delivery, PriorAttempts prior) {
        String why = prior.deaths() + " attempts ended with their worker gone, the last one running alone on "
                + prior.lastWorkerId();
        log.warn("requestId={} quarantined: {}", t.getRequestId(), why);
        try {
            leased(() -> reporter.deadLettered(t, worker.id(), delivery, DeadLetterReason.KILLS_WORKERS, why, trace));
            acknowledge(lease, AcknowledgeType.ACCEPT);
        } catch (Exception e) {
            log.warn("could not quarantine requestId={}: {}", t.getRequestId(), e.toString());
            acknowledge(lease, AcknowledgeType.RELEASE);
        }
    }

    /**
     * Records STARTED, confirms the lock and hands the task over (or follows the synthesis its GPU already has), then
     * waits for its end.
     *
     * @param onTheGpu the synthesis its GPU already has for the task, followed there, not handed over; {@code null}
     *     for a task to hand over
     * @param prior the earlier attempts: after one that started and never ended (its worker went away mid-task), a
     *     legacy worker may have taken it then
     * @param suspect whether enough earlier attempts lost their worker to quarantine it: when the latest of them ran
     *     alone, it is quarantined unless it is done over the GPU's HTTP API; otherwise it runs alone
     */
    private void run(
            Lease lease, TaskRequested t, int delivery, Followed onTheGpu, PriorAttempts prior, boolean suspect) {
        boolean killer = suspect && prior.lastAbandonedAlone();
        // A delete or upload is done over the GPU's HTTP API first, with no worker to kill: it holds up no other task.
        boolean runAlone = suspect && !killer && !idempotentOverHttp(t);
        WorkerIsolation.Pass pass = turn(lease, t, delivery, runAlone);
        if (pass == null) {
            return;
        }
        try (pass) {
            // A task handed over earlier and let go of may still run at the worker: no run beside it is alone.
            runInTurn(lease, t, delivery, onTheGpu, prior, killer, runAlone, pass.alone() && !worker.anyLingering());
        }
    }

    /**
     * Waits for this task's turn at the worker (ADR 038), keeping its lock: a suspect takes the worker's solo turn and
     * waits for the tasks running there to end; any other task waits while a suspect holds it.
     *
     * @return {@code null} when the task went back meanwhile (the worker left, the lock was lost)
     */
    private WorkerIsolation.Pass turn(Lease lease, TaskRequested t, int delivery, boolean alone) {
        try {
            return worker.isolation().enter(alone, change -> {
                try {
                    // woken now and then to look for a cancel: the wait may last as long as a neighbour's task
                    lease.await(CompletableFuture.anyOf(
                            change,
                            worker.gone(),
                            worker.drained(),
                            new CompletableFuture<Void>()
                                    .completeOnTimeout(null, CANCEL_LOOK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)));
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a change of the isolation gate never fails", e);
                }
                if (!worker.connected() || worker.draining()) {
                    throw new WorkerLeft();
                }
                if (cancellations.of(t).isPresent()) {
                    throw new CancelledMeanwhile();
                }
            });
        } catch (CancelledMeanwhile e) {
            endCancelled(lease, t, delivery, cancellations.of(t).orElseThrow());
        } catch (WorkerLeft e) {
            giveBackQuietly(lease, t, delivery, "worker " + worker.id() + " left or drains before its turn");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acknowledge(lease, AcknowledgeType.RELEASE);
        } catch (Lease.LockLost e) {
            giveBackLost(lease, t.getRequestId(), "while waiting for its turn at the worker", e);
        }
        return null;
    }

    /** The worker left, or began to drain, while a task waited for its turn there. */
    private static final class WorkerLeft extends InterruptedException {
        WorkerLeft() {
            super("worker left");
        }
    }

    /** The task was cancelled while it waited for its turn. */
    private static final class CancelledMeanwhile extends InterruptedException {
        CancelledMeanwhile() {
            super("cancelled");
        }
    }

    private void runInTurn(
            Lease lease,
            TaskRequested t,
            int delivery,
            Followed onTheGpu,
            PriorAttempts prior,
            boolean killer,
            boolean runAlone,
            boolean alone) {
        boolean afterAbandoned = prior.abandoned() > 0;
        String requestId = t.getRequestId();
        Optional<io.dsp.schemas.avro.TaskControl> cancelledMeanwhile = cancellations.of(t);
        if (cancelledMeanwhile.isPresent()) {
            endCancelled(
                    lease, t, delivery, cancelledMeanwhile.get()); // while it waited for its turn: never handed over
            return;
        }
        boolean automation = lane == Lane.AUTOMATION;
        if (automation && !admitted(lease, t)) {
            giveBackQuietly(lease, t, delivery, "its automation worker left before it had room");
            return;
        }
        task = t;
        origins.remember(t);
        signals.removeIf(s -> !(s instanceof Gone));
        worker.running(requestId, this);
        // A cancellation that arrived after the check above found no running slot to tell: this slot tells itself.
        cancellations.of(t).ifPresent(cancel -> offer(new Cancel(requestId, cancel.getReason())));
        changed.run();
        boolean handed = false;
        boolean atWorker = false;
        workerAnswered = false;
        Map<String, Object> answeredOverHttp;
        try {
            if (runAlone) {
                reporter.runAlone();
                log.warn(
                        "requestId={} runs alone on worker {}: {} earlier attempts ended with their worker gone, the"
                                + " latest of them beside other tasks; going again now would be its own doing",
                        requestId,
                        worker.id(),
                        prior.deaths());
            }
            long sentAt = System.nanoTime();
            leased(() -> reporter.started(t, worker.id(), delivery, alone, trace));
            long startedAt = System.nanoTime();
            handOver.since(HandOverSteps.Step.STARTED, sentAt);
            // Another member may have acquired the record while STARTED was on its way (a broker restart forgets
            // locks) and, not seeing it yet, be running the task: only a renewal granted now proves none did (ADR 023).
            lease.confirm();
            handOver.since(HandOverSteps.Step.CONFIRM, startedAt);
            if (onTheGpu != null) {
                handed = true;
                atWorker = true;
                worker.following(onTheGpu.gpuTaskId, this);
                awaitOutcome(lease, t, delivery, onTheGpu);
            } else if (afterAbandoned && (answeredOverHttp = doneOverHttp(t)) != null) {
                handed = true; // the effect happened: from here on, as after a worker's answer
                recordOutcome(t, reporter.succeeded(t, worker.id(), delivery, answeredOverHttp, null, trace));
                acknowledge(lease, AcknowledgeType.ACCEPT);
            } else if (killer) {
                handed = true; // ended here, one way or the other
                quarantine(lease, t, delivery, prior);
            } else if (handOverTimed(lease, t, delivery)) {
                handed = true;
                atWorker = true;
                awaitOutcome(lease, t, delivery, null);
            }
        } catch (InterruptedException e) {
            if (atWorker && !workerAnswered) {
                letGo(t, delivery, "the gateway stopped while its worker ran it");
            }
            Thread.currentThread().interrupt();
        } catch (Lease.LockLost e) {
            // not this slot's to give back or dead-letter any more: the member that holds it now decides
            log.warn("slot {} lost requestId={} (handed over: {}): {}", name, requestId, handed, e.getMessage());
            closeConsumer(); // replaced before the next poll, as after any lost lock
            if (!handed) {
                // the worker never had it: the attempt is over, and a lost lock does not count towards quarantine
                endLostAttempt(t, delivery, e);
            } else if (atWorker && !workerAnswered) {
                letGo(t, delivery, "the gateway lost its lock while its worker ran it");
            }
        } catch (Exception e) {
            log.error("slot {} could not record requestId={}; releasing it: {}", name, requestId, e.toString());
            giveBackQuietly(lease, t, delivery, "its step could not be recorded: " + e);
        } finally {
            if (atWorker && !workerAnswered) {
                // let go of (cancelled, timed out, lock lost, a step not recorded) while the worker may still run it
                worker.lingering(requestId, timing.taskTimeouts().longest());
            }
            if (automation) {
                worker.unadmit(t.getTaskType());
            }
            worker.done(requestId);
            task = null;
            changed.run();
        }
    }

    /**
     * An automation worker runs a limited number of tasks of each type at once (ws_worker: 4 ChatGLM pages, 1
     * transcription): the slot waits for a free place, keeping the task's lock.
     *
     * @return whether a place was taken; otherwise the worker left or the lock was lost, and the task goes back
     */
    private boolean admitted(Lease lease, TaskRequested t) {
        String type = t.getTaskType();
        try {
            while (!worker.admit(type, capacity.applyAsInt(type))) {
                if (!worker.connected() || signals.peek() instanceof Gone) {
                    return false; // the consumer is closed on the way out: the task goes back at once
                }
                lease.keep(Duration.ofMillis(200));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Lease.LockLost e) {
            log.warn("slot {} lost requestId={} while its worker was busy: {}", name, t.getRequestId(), e.getMessage());
            closeConsumer(); // replaced before the next poll, as after any lost lock
            return false;
        }
    }

    /** {@link #handOver}, timed as the {@code frame} step when the frame was sent. */
    private boolean handOverTimed(Lease lease, TaskRequested t, int delivery) throws Exception {
        long stagingAt = System.nanoTime();
        boolean sent = handOver(lease, t, delivery);
        if (sent) {
            handOver.since(HandOverSteps.Step.FRAME, stagingAt);
        }
        return sent;
    }

    /**
     * Sends the task to the worker in its legacy frame: {@code gpu.job.submit} (after staging the files it names into
     * the GPU's pool) or, for an automation task, the {@code url} / {@code chatglm_video} frame ws_worker reads.
     *
     * @return whether it was sent; otherwise it has been acknowledged
     */
    private boolean handOver(Lease lease, TaskRequested t, int delivery) throws Exception {
        String requestId = t.getRequestId();
        Map<String, Object> legacy = new LinkedHashMap<>(payloads.toLegacy(t));
        if (lane == Lane.AUTOMATION) {
            handedAt = System.nanoTime();
            worker.connection()
                    .send(Frames.automationJob(t.getTaskType(), requestId, t.getLicenseKey(), senderFd(t), legacy));
        } else {
            if (!staged(lease, t, delivery, legacy)) {
                return false;
            }
            worker.connection()
                    .send(Frames.workerJob(t.getTaskType(), requestId, t.getLicenseKey(), senderFd(t), legacy));
        }
        log.info(
                "task requestId={} taskType={} handed to {} worker {} (delivery {})",
                requestId,
                t.getTaskType(),
                lane == Lane.AUTOMATION ? "automation" : "GPU",
                worker.id(),
                delivery);
        return true;
    }

    /**
     * Puts the files the task names into the GPU's pool. A file nowhere to be found fails the task (the GPU's own
     * message); a GPU or asset-api that cannot be reached gives it back to the fleet.
     *
     * @return whether the task may be handed over; otherwise it has been acknowledged
     */
    private boolean staged(Lease lease, TaskRequested t, int delivery, Map<String, Object> legacy) throws Exception {
        if (!LegacyGpu.stages(t.getTaskType())) {
            return true;
        }
        try {
            leased(() -> worker.gpu().stage(t, legacy));
            return true;
        } catch (HeyGemServerClient.Failure e) {
            if (e.permanent()) {
                leased(() ->
                        reporter.record(reporter.failed(t, worker.id(), delivery, e.code(), e.getMessage(), trace)));
                acknowledge(lease, AcknowledgeType.ACCEPT);
            } else {
                giveBack(lease, t, delivery, "staging on " + worker.gpu().baseUrl() + " failed: " + e.getMessage());
            }
        } catch (IOException e) {
            giveBack(lease, t, delivery, "staging on " + worker.gpu().baseUrl() + " failed: " + e);
        }
        return false;
    }

    /**
     * Hands the task back to the fleet (RELEASE: it is redelivered by the normal rules), or dead-letters it on the last
     * delivery, because the broker would archive it silently after that.
     */
    private void giveBack(Lease lease, TaskRequested t, int delivery, String why) throws Exception {
        log.warn("requestId={} goes back to the fleet: {}", t.getRequestId(), why);
        if (delivery >= timing.deliveryCountLimit()) {
            leased(() -> reporter.deadLettered(t, worker.id(), delivery, why, trace));
            acknowledge(lease, AcknowledgeType.ACCEPT);
            return;
        }
        if (task != null) {
            // STARTED was written for this delivery: closed, so the next delivery does not wait for the attempt
            try {
                leased(() -> reporter.givenBack(t, worker.id(), delivery, "GIVEN_BACK", why, trace));
            } catch (Lease.LockLost e) {
                throw e;
            } catch (Exception e) {
                log.warn("could not say that requestId={} was given back: {}", t.getRequestId(), e.toString());
            }
        }
        acknowledge(lease, AcknowledgeType.RELEASE);
    }

    /**
     * Says that this slot lets go of a task its worker, still connected, may yet run: the attempt stays open for the
     * next holder to follow (ADR 037), but its end is no death, so a suspect's run alone cut short here is not taken for
     * the task killing its worker (ADR 038). Does not wait for the broker's answer; a worker that left says nothing (its
     * end may be a death).
     */
    private void letGo(TaskRequested t, int delivery, String why) {
        if (!worker.connected() && !worker.isWithdrawnByGateway()) {
            return;
        }
        String requestId = t.getRequestId();
        try {
            reporter.letGo(t, worker.id(), delivery, why + "; worker " + worker.id() + " may still run it", trace)
                    .whenComplete((sent, failed) -> {
                        if (failed != null) {
                            log.warn("could not say that requestId={} was let go of: {}", requestId, failed.toString());
                        }
                    });
        } catch (RuntimeException e) {
            log.warn("could not say that requestId={} was let go of: {}", requestId, e.toString());
        }
    }

    /** Closes the attempt whose lock was lost before its worker had the task; never blocks the slot. */
    private void endLostAttempt(TaskRequested t, int delivery, Lease.LockLost lost) {
        TraceContext attempt = trace;
        io.execute(() -> {
            try {
                reporter.givenBack(t, worker.id(), delivery, "LOCK_LOST", "lock lost: " + lost.getMessage(), attempt);
            } catch (Exception e) {
                log.warn("could not say that requestId={} lost its lock: {}", t.getRequestId(), e.toString());
            }
        });
    }

    /**
     * {@link #giveBack} where nothing may be thrown: a dead letter that cannot be recorded leaves the task to the
     * broker, said loudly (it archives the task after its last delivery).
     */
    private void giveBackQuietly(Lease lease, TaskRequested t, int delivery, String why) {
        try {
            giveBack(lease, t, delivery, why);
        } catch (Exception e) {
            log.error(
                    "requestId={} could not be dead-lettered on delivery {} ({}); releasing it: {}",
                    t.getRequestId(),
                    delivery,
                    why,
                    e.toString());
            acknowledge(lease, AcknowledgeType.RELEASE);
        }
    }

    /** A synthesis the GPU accepted and this slot follows: its task id there, and the last progress recorded. */
    private static final class Followed {
        final String gpuTaskId;
        final boolean cached;
        String lastProgress = "";

        Followed(String gpuTaskId, boolean cached) {
            this.gpuTaskId = gpuTaskId;
            this.cached = cached;
        }
    }

    /**
     * The synthesis this slot's GPU already has for the task, to follow there: under the task's request id, which is
     * the task id ws_client.py gives it, when an earlier attempt handed it over and its end was never recorded (the
     * worker's socket dropped, or its gateway died or lost its lock). After an attempt whose worker went away, also a
     * finished content-cache hit of the task's audio and video ({@code md5(audio_hash + "_" + video_hash)[:16]}, spec
     * 2.9, 4.4): the GPU answered that attempt under the cache key, and handed over again it would answer the same
     * video. Such a task is never handed over again: ws_client.py drops a request id it has seen
     * ({@code _processed_requests}, spec 2.9), so a second hand-over would never be answered, and a GPU that did take
     * it would synthesise the video twice.
     *
     * @return {@code null} also when the GPU cannot say (any failure of its HTTP side): the task is then handed over as
     *     usual, and staging, on the same side, decides
     */
    private Followed alreadyOnTheGpu(TaskRequested t, boolean afterAbandoned) throws InterruptedException {
        if (lane == Lane.AUTOMATION || !LegacyGpu.HEYGEM_SUBMIT.equals(t.getTaskType())) {
            return null;
        }
        try {
            HeyGemServerClient.Progress known = worker.gpu().progress(t.getRequestId());
            log.info(
                    "requestId={} is already on GPU {} ({}, {}%): worker {} follows it there instead of running it"
                            + " again",
                    t.getRequestId(), worker.gpu().baseUrl(), known.status(), known.percent(), worker.id());
            return new Followed(t.getRequestId(), false);
        } catch (HeyGemServerClient.Failure e) {
            if (!"ENGINE_LOST_TASK".equals(e.code())) {
                return null; // the GPU cannot say now (unreachable, 401, 5xx): asking again would only cost the lock
            }
            // not under its request id: a new task, or one the GPU answered from its content cache
        }
        if (!afterAbandoned || !(t.getPayload() instanceof HeyGemSubmitPayload p)) {
            return null;
        }
        String cacheKey = LegacyGpu.cacheKey(p.getAudioHash(), p.getVideoHash());
        try {
            if (worker.gpu().progress(cacheKey).done()) {
                log.info(
                        "requestId={} is a content-cache hit on GPU {} (GPU task {}): worker {} takes the cached video"
                                + " instead of running it again",
                        t.getRequestId(),
                        worker.gpu().baseUrl(),
                        cacheKey,
                        worker.id());
                return new Followed(cacheKey, true);
            }
        } catch (HeyGemServerClient.Failure e) {
            // no cached video of these inputs
        }
        return null;
    }

    /**
     * Whether the task is an asset delete or upload with the typed payload asset-api writes (what the GPU's HTTP API
     * needs: a socket-submitted or migrated upload keeps the legacy payload), on a GPU lane: its deliveries
     * after an abandoned attempt are done over that API ({@link #doneOverHttp}).
     */
    private boolean idempotentOverHttp(TaskRequested t) {
        return lane != Lane.AUTOMATION
                && (LegacyGpu.DELETE_ASSET.equals(t.getTaskType()) && t.getPayload() instanceof DeleteAssetPayload
                        || LegacyGpu.UPLOAD_ASSET.equals(t.getTaskType())
                                && t.getPayload() instanceof UploadAssetPayload);
    }

    /**
     * A {@code delete_asset} or {@code upload_asset} whose earlier attempt ended with its worker gone is done over the
     * GPU's HTTP API: the worker may have done it then, its answer lost with its socket, and ws_client.py drops a
     * request id it has seen (spec 2.9), so handed over again it would never be answered. Both are idempotent there
     * (spec 4.3, 4.5): a delete answers {@code 已删除} also when nothing is left, an upload answers with the row the
     * worker stored. Any other delivery is handed over as the legacy fleet expects, and so is a cancelled one (the wait
     * for its outcome ends it as cancelled).
     *
     * @return the answer its worker gives ({@code {"id", "msg"}} for a delete, {@code {"id", "name", "msg"}} for an
     *     upload); {@code null} when it is handed over as usual (another type or lane, a cancellation, or the GPU's
     *     HTTP side or asset-api refused or cannot be reached)
     */
    private Map<String, Object> doneOverHttp(TaskRequested t) throws Exception {
        if (!idempotentOverHttp(t) || cancellations.of(t).isPresent()) {
            return null;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        try {
            if (t.getPayload() instanceof DeleteAssetPayload p) {
                leased(() -> worker.gpu().deleteAsset(t, p));
                answer.put("id", p.getAssetId());
                answer.put("msg", "删除成功");
            } else if (t.getPayload() instanceof UploadAssetPayload p) {
                HeyGemServerClient.Asset[] uploaded = new HeyGemServerClient.Asset[1];
                leased(() -> uploaded[0] = worker.gpu().uploadAsset(t, p));
                answer.put("id", uploaded[0].id());
                answer.put("name", uploaded[0].name());
                answer.put("msg", "上传成功");
            } else {
                return null;
            }
        } catch (HeyGemServerClient.Failure | IOException e) {
            log.warn(
                    "requestId={}: the {} over {} failed ({}); handing it to worker {}",
                    t.getRequestId(),
                    t.getTaskType(),
                    worker.gpu().baseUrl(),
                    e.getMessage(),
                    worker.id());
            return null;
        }
        log.info(
                "requestId={}: {} done over {} ({}), not handed to worker {} again",
                t.getRequestId(),
                t.getTaskType(),
                worker.gpu().baseUrl(),
                answer,
                worker.id());
        return answer;
    }

    /**
     * Waits for the task's end: the worker's answer, or, for a synthesis, the end of the GPU task it follows.
     *
     * @param resumed a synthesis already on the GPU, followed from the start (polled at once); {@code null} for a task
     *     just handed over
     */
    private void awaitOutcome(Lease lease, TaskRequested t, int delivery, Followed resumed) throws Exception {
        long deadline =
                System.nanoTime() + timing.taskTimeouts().of(t.getTaskType()).toNanos();
        long nextRenew = System.nanoTime() + lease.renewEvery().toNanos();
        Followed followed = resumed;
        long nextPoll = followed == null ? Long.MAX_VALUE : System.nanoTime();
        boolean follows = LegacyGpu.HEYGEM_SUBMIT.equals(t.getTaskType());
        while (true) {
            long wait = Math.max(1, Math.min(Math.min(deadline, nextRenew), nextPoll) - System.nanoTime());
            Signal signal = signals.poll(wait, TimeUnit.NANOSECONDS);
            if (signal instanceof Result result) {
                JsonNode frame = result.frame();
                if ("progress".equals(frame.path("task_type").asString(""))) {
                    // seed guide 6.3: send_result(task_type="progress", result={"progress": i, "total": n})
                    seedProgress(t, frame.path("result"));
                    continue;
                }
                if (follows && followed == null && !frame.path("error").asBoolean(false)) {
                    followed = accepted(t, frame.path("result"));
                    nextPoll = System.nanoTime() + timing.gpuPollInterval().toNanos();
                    continue;
                }
                if (followed != null) {
                    log.debug("requestId={}: another answer while following; ignored: {}", t.getRequestId(), frame);
                    continue;
                }
                workerAnswered = true;
                long answeredAt = System.nanoTime();
                report(t, delivery, frame);
                acknowledge(lease, AcknowledgeType.ACCEPT);
                outcomeTimed(answeredAt);
                return;
            }
            if (signal instanceof Progress progress) {
                JsonNode frame = progress.frame();
                HeyGemServerClient.Progress p = new HeyGemServerClient.Progress(
                        frame.path("status").asString("processing"),
                        frame.path("progress").asInt(0),
                        frame.path("message").asString(null),
                        frame.path("total_frames").asInt(0),
                        frame.path("current_frame").asInt(0),
                        frame.path("error").asString(""));
                if (followed == null) {
                    // before the acceptance answer: recorded; its end is seen by the first poll after acceptance
                    if (!p.done() && !p.failed()) {
                        record(t, null, p);
                    }
                    continue;
                }
                if (ended(lease, t, delivery, followed, p)) {
                    workerAnswered = true;
                    return;
                }
                nextPoll = System.nanoTime() + timing.gpuPollInterval().toNanos();
                continue;
            }
            if (signal instanceof Cancel cancel && cancel.requestId().equals(t.getRequestId())) {
                // The worker is told (it may ignore it); the task ends now and is not redelivered; a late result of
                // the worker is recorded by the bridge but never delivered as a success.
                worker.cancelledWhileRunning(t);
                worker.connection()
                        .send(Frames.workerCancel(
                                t.getTaskType(), t.getRequestId(), t.getLicenseKey(), cancel.reason()));
                leased(() -> reporter.cancelled(t, worker.id(), delivery, cancel.reason(), trace));
                acknowledge(lease, AcknowledgeType.ACCEPT);
                log.info("task requestId={} cancelled while worker {} ran it", t.getRequestId(), worker.id());
                return;
            }
            if (signal instanceof Gone || !worker.connected()) {
                if (delivery >= timing.deliveryCountLimit()) {
                    // The broker would archive it silently after this delivery: dead-letter it ourselves.
                    leased(() -> reporter.deadLettered(
                            t, worker.id(), delivery, "legacy worker disconnected on the last delivery", trace));
                    acknowledge(lease, AcknowledgeType.ACCEPT);
                } else if (worker.isWithdrawnByGateway()) {
                    letGo(t, delivery, "the gateway stopped while its worker ran it");
                }
                // Otherwise the consumer is closed on the way out, which returns the task to the group at once.
                log.info(
                        "worker {} left while running requestId={}; the task goes back to the fleet",
                        worker.id(),
                        t.getRequestId());
                return;
            }
            if (System.nanoTime() >= deadline) {
                // the worker may have run it all the same: recorded as an outcome it reached
                recordOutcome(
                        t,
                        reporter.failed(
                                t,
                                worker.id(),
                                delivery,
                                "TIMEOUT",
                                lane == Lane.AUTOMATION ? "任务超时：处理服务器未返回结果" : "任务超时：GPU服务器未返回结果",
                                trace));
                acknowledge(lease, AcknowledgeType.ACCEPT);
                return;
            }
            if (followed != null && System.nanoTime() >= nextPoll) {
                try {
                    if (ended(lease, t, delivery, followed, worker.gpu().progress(followed.gpuTaskId))) {
                        workerAnswered = true;
                        return;
                    }
                } catch (HeyGemServerClient.Failure e) {
                    if ("ENGINE_LOST_TASK".equals(e.code())) {
                        // the GPU restarted and forgot it (tasks live in its memory only): run it again
                        workerAnswered = true; // nothing of it runs there any more
                        giveBack(lease, t, delivery, e.getMessage());
                        return;
                    }
                    // a hiccup of the GPU's HTTP side while its worker stays connected: ask again next time
                    log.warn("progress of requestId={} not available: {}", t.getRequestId(), e.getMessage());
                }
                nextPoll = System.nanoTime() + timing.gpuPollInterval().toNanos();
            }
            if (System.nanoTime() >= nextRenew) {
                if (!renew(lease, t)) {
                    letGo(t, delivery, "the gateway lost its lock while its worker ran it");
                    return;
                }
                nextRenew = System.nanoTime() + lease.renewEvery().toNanos();
            }
        }
    }

    /**
     * Times the {@code outcome} step, from the moment the slot knew the outcome ({@code knownAt}) to its acknowledgement,
     * and starts the next task's {@code fetch}: from here the legacy worker waits for its next task.
     */
    private void outcomeTimed(long knownAt) {
        handOver.since(HandOverSteps.Step.OUTCOME, knownAt);
        // only while the acknowledgement rides on the next poll: a consumer closed on the way gets no next fetch
        endedAt = consumer != null ? System.nanoTime() : 0;
    }

    private boolean renew(Lease lease, TaskRequested t) {
        try {
            lease.renew();
            return true;
        } catch (Lease.LockLost e) {
            log.warn("lost the lock of requestId={}; another worker may run it: {}", t.getRequestId(), e.getMessage());
        } catch (KafkaException | IllegalStateException e) {
            log.warn("renewal of requestId={} failed; another worker may run it: {}", t.getRequestId(), e.toString());
        }
        // A consumer left with a record it lost was seen to take nothing more after a broker restart: the slot
        // replaces it before its next poll (closing hands back whatever it still holds).
        closeConsumer();
        return false;
    }

    /** The GPU accepted the synthesis: recorded as progress, then followed under the GPU's task id. */
    private Followed accepted(TaskRequested t, JsonNode result) throws Exception {
        String gpuTaskId =
                result.path("task_id").isString() ? result.path("task_id").asString() : t.getRequestId();
        boolean cached = result.path("cached").asBoolean(false);
        Followed followed = new Followed(gpuTaskId, cached);
        worker.following(gpuTaskId, this);
        JsonNode queue = result.path("queue");
        boolean waits = !cached
                && queue.path("max_concurrent").asInt(0) > 0
                && queue.path("processing").asInt(0)
                        >= queue.path("max_concurrent").asInt(0);
        record(
                t,
                followed,
                new HeyGemServerClient.Progress(
                        waits ? "queued" : "processing", 0, "任务已提交 (GPU 任务 " + gpuTaskId + ")", 0, 0, ""));
        log.info("requestId={} accepted by worker {} as GPU task {}", t.getRequestId(), worker.id(), gpuTaskId);
        return followed;
    }

    /**
     * A progress of the followed synthesis: its end is handled (download and SUCCEEDED, or FAILED with the GPU's
     * message), anything else recorded when it changed.
     *
     * @return whether the task is over for this slot (acknowledged or given back)
     */
    private boolean ended(Lease lease, TaskRequested t, int delivery, Followed followed, HeyGemServerClient.Progress p)
            throws Exception {
        long knownAt = System.nanoTime();
        if (p.failed()) {
            recordOutcome(t, reporter.failed(t, worker.id(), delivery, "ENGINE_ERROR", p.errorMessage(), trace));
            acknowledge(lease, AcknowledgeType.ACCEPT);
            outcomeTimed(knownAt);
            return true;
        }
        if (!p.done()) {
            record(t, followed, p);
            return false;
        }
        if (!renew(lease, t)) {
            // a fresh lock for the download, or none: then another worker may run it; the GPU made it, nothing died
            letGo(t, delivery, "the gateway lost its lock as the GPU finished it");
            return true;
        }
        StoredResult stored;
        try {
            stored = lease.during(() -> worker.gpu().fetchResult(followed.gpuTaskId), io);
        } catch (ResultStore.StoreFullException e) {
            recordOutcome(
                    t,
                    reporter.failed(
                            t, worker.id(), delivery, "STORE_FULL", "结果存储空间不足，无法保存合成结果: " + e.getMessage(), trace));
            acknowledge(lease, AcknowledgeType.ACCEPT);
            return true;
        } catch (HeyGemServerClient.Failure | IOException e) {
            giveBack(lease, t, delivery, "result of GPU task " + followed.gpuTaskId + " not stored: " + e.getMessage());
            return true;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("task_id", t.getRequestId());
        result.put("engine_task_id", followed.gpuTaskId);
        result.put("cached", followed.cached);
        result.put("sha256", stored.getSha256());
        result.put("size", stored.getSize());
        result.put("content_type", stored.getContentType());
        recordOutcome(t, reporter.succeeded(t, worker.id(), delivery, result, stored, trace));
        acknowledge(lease, AcknowledgeType.ACCEPT);
        outcomeTimed(knownAt); // the result's download from the GPU included: its GPU waits for it too
        log.info(
                "requestId={} done on GPU task {}; result {} ({} bytes) stored",
                t.getRequestId(),
                followed.gpuTaskId,
                stored.getSha256(),
                stored.getSize());
        return true;
    }

    /** {@code result={"progress": i, "total": n}} of the seed pattern as a percentage (a plain number if no total). */
    private void seedProgress(TaskRequested t, JsonNode result) throws Exception {
        int progress = result.path("progress").asInt(0);
        int total = result.path("total").asInt(0);
        int percent = total > 0 ? (int) ((long) progress * 100 / total) : progress;
        String message = total > 0 ? progress + "/" + total : null;
        record(t, null, new HeyGemServerClient.Progress("processing", percent, message, 0, 0, ""));
    }

    /** Records a PROGRESS step; a followed task's repeated poll answers are recorded once. */
    private void record(TaskRequested t, Followed followed, HeyGemServerClient.Progress p) throws Exception {
        if (followed != null) {
            String key = p.status() + '|' + p.percent() + '|' + p.message() + '|' + p.currentFrame();
            if (key.equals(followed.lastProgress)) {
                return;
            }
            followed.lastProgress = key;
        }
        leased(() -> reporter.progress(
                t,
                worker.id(),
                TaskProgress.newBuilder()
                        .setStatus(p.status())
                        .setPercent(Math.max(0, Math.min(100, p.percent())))
                        .setMessage(p.message())
                        .setTotalFrames(p.totalFrames())
                        .setCurrentFrame(p.currentFrame())
                        .build(),
                trace));
    }

    private void report(TaskRequested t, int delivery, JsonNode frame) throws Exception {
        if (frame.path("error").asBoolean(false)) {
            String message =
                    frame.path("error_msg").isString() ? frame.path("error_msg").asString() : "未知错误";
            recordOutcome(t, reporter.failed(t, worker.id(), delivery, "WORKER_ERROR", message, trace));
        } else if (lane == Lane.AUTOMATION) {
            // ws_worker's answer fields are the result: content (url), video_url and cover_url (chatglm_video)
            Map<String, Object> result = new LinkedHashMap<>();
            for (String field : List.of("content", "video_url", "cover_url")) {
                JsonNode value = frame.get(field);
                if (value != null && value.isString()) {
                    result.put(field, value.asString());
                }
            }
            recordOutcome(t, reporter.succeeded(t, worker.id(), delivery, result, null, trace));
        } else {
            JsonNode result = frame.get("result");
            recordOutcome(
                    t,
                    reporter.succeeded(
                            t,
                            worker.id(),
                            delivery,
                            result == null || result.isNull() ? "{}" : result.toString(),
                            trace));
        }
    }

    /** A step that waits on Kafka or on the worker's GPU. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /**
     * Runs a step beside the renewals of the record this slot holds, so a slow send or transfer cannot make the lock
     * lapse; outside a hold (none is kept) it runs here.
     */
    private void leased(Step step) throws Exception {
        Lease lease = held;
        if (lease == null) {
            step.run();
            return;
        }
        lease.during(
                () -> {
                    step.run();
                    return null;
                },
                io);
    }

    /**
     * Records an outcome the worker reached: its effect has happened, so the outcome is sent until it lands, or the
     * ledger shows the task ended (ADR 006); the lock is kept meanwhile. A lock lost meanwhile does not cut the
     * recording short: the slot keeps the task (its worker takes no other) until the outcome is recorded, then lets go.
     * A gateway stopped past its shutdown timeout meanwhile keeps the outcome on disk for its next start (ADR 032); the
     * slot then ends without a step back, so the task's next delivery waits for that outcome.
     */
    private void recordOutcome(TaskRequested t, Outcome outcome) throws Exception {
        Callable<Void> recording = () -> {
            outcomes.record(outcome);
            return null;
        };
        Lease lease = held;
        try {
            if (lease == null) {
                recording.call();
                return;
            }
            lease.seeThrough(
                    recording,
                    io,
                    lost -> log.warn(
                            "slot {} lost the lock on requestId={} while recording its outcome; recording it all the"
                                    + " same: {}",
                            name,
                            t.getRequestId(),
                            lost.getMessage()));
        } catch (InterruptedException | InterruptException e) {
            // the Kafka client's word for an interrupt sets the flag again: the caller learns of it from the throw
            Thread.interrupted();
            try {
                Path kept = outcomes.keep(t.getRequestId(), outcome);
                io.shutdownNow(); // the kept outcome replaces the sends still being tried
                log.warn(
                        "slot {} stopped before the outcome of requestId={} was recorded; kept in {} for the next start",
                        name,
                        t.getRequestId(),
                        kept);
            } catch (IOException journalFailed) {
                log.error(
                        "slot {} could not keep the outcome of requestId={} ({}); the task goes back and may run again",
                        name,
                        t.getRequestId(),
                        journalFailed.toString());
            }
            throw e instanceof InterruptedException plain ? plain : new InterruptedException(e.getMessage());
        }
    }

    private void acknowledge(Lease lease, AcknowledgeType type) {
        long offset = lease.record().offset();
        try {
            if (type == AcknowledgeType.ACCEPT || type == AcknowledgeType.REJECT) {
                // done with for good (the outcome is recorded, or the record unreadable): the acknowledgement rides on
                // the next poll, which fetches the next task in the same request; its answer comes to answered()
                Optional<KafkaException> refused = riding.ride(lease, type);
                if (refused.isEmpty()) {
                    return;
                }
                throw refused.get();
            }
            Optional<KafkaException> error = lease.acknowledge(type);
            if (error.isPresent()) {
                log.warn("{} of offset {} failed ({}); another worker may run it", type, offset, error.get());
                if (Lease.spoils(error.get())) {
                    closeConsumer(); // replaced before the next poll
                }
            }
        } catch (KafkaException | IllegalStateException e) {
            log.warn("{} of offset {} failed: {}", type, offset, e.toString());
            // A record it cannot acknowledge (its lock was lost) leaves the consumer taking nothing more, as seen after
            // a broker restart: the slot replaces it before its next poll.
            closeConsumer();
        }
    }

    /**
     * The broker's answer to acknowledgements a poll (or a close) carried, given at the start of the consumer's next
     * call: one that rode there from {@link #acknowledge} and failed is logged as a failed commit was before, and a
     * consumer left in an unknown state is replaced before the slot's next poll. Answers to acknowledgements committed
     * at once are left to their caller.
     */
    private void answered(Map<TopicIdPartition, Set<Long>> offsets, Exception error) {
        riding.answered(offsets, error).ifPresent(failed -> {
            log.warn(
                    "slot {}: a final acknowledgement sent with a poll failed ({}); another worker may run it",
                    name,
                    failed.toString());
            spoiled |= Lease.spoils(failed);
        });
    }

    /** The legacy {@code sender_fd}: the submitting connection for socket tasks, 0 for HTTP ones (as before). */
    private static long senderFd(TaskRequested t) {
        TaskOrigin origin = t.getOrigin();
        if (origin != null && origin.getChannel() == TaskChannel.WEBSOCKET && origin.getConnectionId() != null) {
            try {
                return Long.parseLong(origin.getConnectionId());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    Map<String, Object> describe() {
        TaskRequested t = task;
        return t == null ? Map.of("slot", name) : Map.of("slot", name, "requestId", t.getRequestId());
    }
}
