package io.dsp.gpuconsumer.slot;

import io.dsp.core.ledger.PriorAttempts;
import io.dsp.core.ledger.TaskLedger;
import io.dsp.core.license.LicenseKeys;
import io.dsp.core.slot.Acquired;
import io.dsp.core.slot.HandOverSteps;
import io.dsp.core.slot.Lease;
import io.dsp.core.slot.LedgerVerdict;
import io.dsp.core.slot.Outcome;
import io.dsp.core.slot.OutcomeJournal;
import io.dsp.core.slot.OutcomeRecorder;
import io.dsp.core.slot.RidingAcknowledgements;
import io.dsp.core.slot.SlotLogContext;
import io.dsp.core.slot.WorkerIsolation;
import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.gpuconsumer.WorkerSettings;
import io.dsp.gpuconsumer.control.Cancellations;
import io.dsp.gpuconsumer.execution.Decision;
import io.dsp.gpuconsumer.execution.RetryBackoff;
import io.dsp.gpuconsumer.execution.TaskContext;
import io.dsp.gpuconsumer.execution.TaskDeadlines;
import io.dsp.gpuconsumer.execution.TaskHandlers;
import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One slot: a share consumer that acquires exactly one task per poll (explicit acknowledgement, {@code record_limit},
 * {@code max.poll.records=1}), looks it up in the ledger, runs it on its own thread while keeping the lock on it,
 * reports it, and only then acknowledges it, the acknowledgement riding on the next poll (ADR 034). A crash anywhere
 * before the acknowledgement hands the task back to the fleet; the ledger makes sure a task that was reported finished
 * is never run again.
 *
 * <p>A paused slot (the worker is draining) finishes the task it holds, then closes its consumer, so it leaves the
 * share group and acquires nothing, until it is resumed with a new consumer. A task its own license cancelled is not
 * started, or is stopped while it runs, and ends {@code CANCELLED}.
 */
final class Slot implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Slot.class);

    private final String name;
    private final Supplier<ShareConsumer<byte[], byte[]>> consumerFactory;
    private final TaskHandlers handlers;
    private final TaskReporter reporter;
    private final TaskLedger ledger;
    private final RunningTasks running;
    private final Cancellations cancellations;
    private final String workerId;
    private final WorkerSettings settings;
    private final Duration openAttemptWait;
    private final TaskDeadlines deadlines;
    private final AtomicInteger inFlight;
    private final MeterRegistry meters;
    private final Clock clock;
    private final OutcomeRecorder outcomes;
    private final OutcomeJournal journal;
    /** Open once the journal's outcomes from the last run are recorded: no task is taken before. */
    private final CountDownLatch replayed;

    private final WorkerIsolation isolation;

    private volatile boolean taking = true;
    /** The request id of the record this slot has acquired and not yet acknowledged; null while it holds none. */
    private volatile String holding;

    private volatile boolean stopping;
    /** Completed when the worker stops: a slot waiting for its turn at the worker gives its task back. */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /**
     * Whether STARTED may have been written for the record held now: only then does a give-back speak for an attempt
     * (a step back to {@code queued}); before it, the last attempt is another worker's, which may have died. The slot's
     * thread only.
     */
    private boolean startedSent;
    /** The pass of the task this slot ran last; closed again when the slot ends, in case its close never ran. */
    private volatile WorkerIsolation.Pass lastPass;

    /** The worker stops while a slot waits for its turn: its task goes back unstarted, the slot ends. */
    private static final class WorkerStopping extends InterruptedException {
        WorkerStopping() {
            super("worker stopping while waiting for its turn");
        }
    }

    /** How often a task waiting for its turn at the worker looks whether it was cancelled meanwhile. */
    static final Duration CANCEL_LOOK_INTERVAL = Duration.ofSeconds(2);

    /** The task was cancelled while it waited for its turn; it ends unstarted. */
    private static final class CancelledWhileWaiting extends InterruptedException {
        CancelledWhileWaiting() {
            super("cancelled while waiting for its turn");
        }
    }

    private volatile RuntimeException failure;
    /**
     * Set when a lock was lost and the record could not be given back: such a consumer keeps an unacknowledgeable
     * record and was seen to take nothing more after a broker restart, so the slot replaces it (closing hands back
     * whatever it still holds). The slot's thread only.
     */
    private boolean consumerSpoiled;
    /** Final acknowledgements riding on the consumer's next poll (ADR 034); the slot's thread only. */
    private final RidingAcknowledgements riding = new RidingAcknowledgements();
    /** Where the time between two tasks goes. */
    private final HandOverSteps steps;
    /**
     * When this consumer's last task ended with its acknowledgement riding on the next poll ({@link System#nanoTime()}),
     * 0 when none did; the slot's thread only.
     */
    private long endedAt;

    /** Runs the slot's blocking steps beside its renewals; only the slot's own thread uses it. */
    private ExecutorService io;
    /** Stops a task that passed its type's deadline. */
    private ScheduledExecutorService overrun;

    /**
     * What every slot of one worker shares: its collaborators, its identity and settings, and the latch its journal
     * replay opens.
     *
     * @param openAttemptWait how long a task whose attempt on another worker is still open is held before it runs here
     * @param inFlight the worker's count of tasks it runs now
     * @param outcomes records outcomes until they land (its resends counted)
     * @param journal where an outcome goes when the worker stops before it could be recorded
     * @param replayed open once the journal's outcomes from the last run are recorded: no task is taken before
     * @param isolation lets a task suspected of killing workers run with nothing else beside it
     */
    record Shared(
            TaskHandlers handlers,
            TaskReporter reporter,
            TaskLedger ledger,
            RunningTasks running,
            Cancellations cancellations,
            String workerId,
            WorkerSettings settings,
            Duration openAttemptWait,
            TaskDeadlines deadlines,
            AtomicInteger inFlight,
            MeterRegistry meters,
            Clock clock,
            OutcomeRecorder outcomes,
            OutcomeJournal journal,
            CountDownLatch replayed,
            WorkerIsolation isolation) {}

    Slot(String name, Supplier<ShareConsumer<byte[], byte[]>> consumerFactory, Shared shared) {
        this.name = name;
        this.consumerFactory = consumerFactory;
        this.handlers = shared.handlers();
        this.reporter = shared.reporter();
        this.ledger = shared.ledger();
        this.running = shared.running();
        this.cancellations = shared.cancellations();
        this.workerId = shared.workerId();
        this.settings = shared.settings();
        this.openAttemptWait = shared.openAttemptWait();
        this.deadlines = shared.deadlines();
        this.inFlight = shared.inFlight();
        this.meters = shared.meters();
        this.clock = shared.clock();
        this.outcomes = shared.outcomes();
        this.journal = shared.journal();
        this.replayed = shared.replayed();
        this.isolation = shared.isolation();
        this.steps = new HandOverSteps(meters, TaskReporter.SOURCE, HandOverSteps.NATIVE);
    }

    /** The task this slot holds now, if any: presence names it so the dispatcher can reconcile its count. */
    Optional<String> holding() {
        return Optional.ofNullable(holding);
    }

    /** Why the slot died, if it did. */
    RuntimeException failure() {
        return failure;
    }

    String name() {
        return name;
    }

    /** For good (the worker stops): the slot ends after its task; a task acquired meanwhile goes back untouched. */
    synchronized void stopTakingWork() {
        stopping = true;
        taking = false;
        stopped.complete(null);
        notifyAll();
    }

    /** For a while (drain): the slot finishes its task, then leaves the share group until {@link #resume()}. */
    synchronized void pause() {
        taking = false;
    }

    synchronized void resume() {
        taking = true;
        notifyAll();
    }

    @Override
    public void run() {
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> new Thread(r, name + "-task"));
        // Sends and ledger look-ups wait here while the slot's thread keeps the lock (ADR 018).
        io = Executors.newSingleThreadExecutor(r -> new Thread(r, name + "-io"));
        overrun = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-deadline");
            t.setDaemon(true);
            return t;
        });
        try {
            if (!awaitReplayed()) {
                return;
            }
            while (!stopping && !Thread.currentThread().isInterrupted()) {
                if (!awaitTaking()) {
                    break;
                }
                if (ledger.failure().isPresent()) {
                    // Out of the group while no task can be checked: none burns a delivery here meanwhile.
                    awaitLedger();
                    continue;
                }
                if (!noSoloTurn()) {
                    // Out of the group while a suspect runs alone here: a task acquired now would only wait (ADR 038).
                    continue;
                }
                try (ShareConsumer<byte[], byte[]> consumer = consumerFactory.get()) {
                    consumer.setAcknowledgementCommitCallback(this::answered);
                    consumer.subscribe(List.of(Topics.DISPATCH.name()));
                    consumerSpoiled = false;
                    while (taking
                            && !consumerSpoiled
                            && ledger.failure().isEmpty()
                            && !isolation.soloTurnTaken()
                            && !Thread.currentThread().isInterrupted()) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(settings.pollTimeout())) {
                            handle(consumer, record, runner);
                        }
                    }
                } finally {
                    // closing sent what still rode and answered it; a new consumer starts with nothing riding
                    riding.clear();
                    endedAt = 0;
                }
            }
        } catch (WakeupException | org.apache.kafka.common.errors.InterruptException e) {
            // shutting down; closing the consumer hands back anything unacknowledged
        } catch (RuntimeException e) {
            failure = e;
            log.error("slot {} stopped unexpectedly; its task, if any, goes back to the fleet", name, e);
        } finally {
            runner.shutdownNow();
            io.shutdown();
            overrun.shutdownNow();
            WorkerIsolation.Pass pass = lastPass;
            if (pass != null) {
                pass.close(); // a close left queued behind a handler that outlived the slot: the others must go on
            }
        }
    }

    /** Whether no suspect holds the worker's solo turn, after waiting up to a poll timeout for it to end. */
    private boolean noSoloTurn() {
        try {
            return isolation.awaitNoSoloTurn(Math.max(1, settings.pollTimeout().toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits a poll timeout (or until stopped) before the ledger is asked again. */
    private synchronized void awaitLedger() {
        try {
            if (!stopping) {
                wait(settings.pollTimeout().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until the outcomes kept from the last run are recorded, so a task of theirs redelivered here is seen ended
     * instead of run again; false when the slot is stopping instead.
     */
    private boolean awaitReplayed() {
        try {
            while (!replayed.await(settings.pollTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                if (stopping) {
                    return false;
                }
            }
            return !stopping;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits while paused; false when the slot is stopping instead. */
    private synchronized boolean awaitTaking() {
        try {
            while (!taking && !stopping) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !stopping;
    }

    private void handle(
            ShareConsumer<byte[], byte[]> consumer, ConsumerRecord<byte[], byte[]> record, ExecutorService runner) {
        if (endedAt != 0) {
            steps.since(HandOverSteps.Step.FETCH, endedAt);
            endedAt = 0;
        }
        Lease lease = new Lease(consumer, record);
        Optional<Acquired> acquired = Acquired.of(record);
        if (acquired.isEmpty()) {
            finish(lease, Decision.REJECT, null);
            return;
        }
        if (stopping) {
            // acquired by the last poll of a stopping slot: hand it straight back, untouched
            lease.acknowledge(AcknowledgeType.RELEASE);
            return;
        }
        // A paused (draining) slot runs what its last poll acquired: releasing it would cost the task a delivery.
        TaskRequested task = acquired.get().task();
        int delivery = acquired.get().delivery();
        reporter.trace(task.getRequestId(), acquired.get().trace());
        inFlight.incrementAndGet();
        holding = task.getRequestId();
        startedSent = false;
        try (SlotLogContext ignored =
                SlotLogContext.open(acquired.get(), LicenseKeys.mask(task.getLicenseKey()), workerId)) {
            hold(lease, task, delivery, runner);
        } finally {
            holding = null;
            inFlight.decrementAndGet();
            reporter.untrace(task.getRequestId());
        }
    }

    private void hold(Lease lease, TaskRequested task, int delivery, ExecutorService runner) {
        try (RunningTasks.Claim claim = running.claim(task, lease)) {
            execute(lease, task, delivery, runner, claim);
        } catch (Lease.LockLost e) {
            meters.counter(WorkerMetrics.LOCK_LOST).increment();
            log.warn(
                    "slot {} lost requestId={} while holding it; leaving it to the fleet: {}",
                    name,
                    task.getRequestId(),
                    e.getMessage());
            // Explicit mode wants every polled record acknowledged before the next poll; the broker refuses this
            // one (or hands it on if the lock was still ours). The consumer is replaced before the next poll.
            releaseQuietly(lease, task);
            consumerSpoiled = true;
        } catch (OutcomeKept e) {
            // Stopping past the shutdown deadline after the task ran: its outcome waits in the journal for the next
            // start. No "given back" step: the attempt stays open, so the next delivery waits for that outcome.
            Thread.interrupted();
            releaseQuietly(lease, task);
            Thread.currentThread().interrupt();
        } catch (InterruptedException e) {
            // Stopping: give the task back now, saying so if this attempt started. Unstarted, no step is written: a
            // give-back of this delivery would close the open attempt of a worker that died, and lose its death.
            Thread.interrupted();
            if (startedSent) {
                requeue(lease, task, delivery, "STOPPING", "worker stopping");
            } else {
                giveBack(lease, task, delivery, "worker stopping");
            }
            if (!(e instanceof WorkerStopping)) {
                Thread.currentThread().interrupt(); // a real interrupt: the slot's thread is told to end
            }
        } catch (Exception e) {
            // Could not report: give it back; the ledger keeps a reported outcome from being repeated.
            log.error(
                    "slot {} could not report requestId={}; leaving it to be redelivered: {}",
                    name,
                    task.getRequestId(),
                    e.toString());
            if (Decision.giveBack(delivery, settings.deliveryCountLimit()) == Decision.DEAD_LETTER) {
                giveBack(lease, task, delivery, "its outcome could not be recorded: " + e);
            } else {
                if (startedSent) {
                    // this live worker's attempt must not stay open: it would count as a death, and a run alone as
                    // the death that quarantines the task (ADR 038)
                    closeAttempt(task, delivery, "RETRY", "its outcome could not be recorded: " + e);
                }
                releaseQuietly(lease, task);
            }
        }
    }

    private void execute(
            Lease lease, TaskRequested task, int delivery, ExecutorService runner, RunningTasks.Claim claim)
            throws Exception {
        String requestId = task.getRequestId();
        long lookedAt = System.nanoTime();
        LedgerVerdict ledgerSays = LedgerVerdict.of(
                ledger,
                name,
                requestId,
                delivery,
                workerId,
                openAttemptWait,
                LedgerVerdict.Hold.of(lease, io),
                prior -> outcomes.endedHere(requestId, prior));
        steps.since(HandOverSteps.Step.LEDGER, lookedAt);
        if (ledgerSays instanceof LedgerVerdict.Unchecked) {
            // Not knowing whether it finished, the slot must not run it; it comes back after a pause, or on its last
            // delivery is dead-lettered (the broker would archive it silently).
            if (Decision.giveBack(delivery, settings.deliveryCountLimit()) == Decision.RETRY) {
                lease.hold(RetryBackoff.after(delivery, settings.retryBackoff(), settings.retryBackoffMax()));
            }
            giveBack(lease, task, delivery, "its task ledger could not be checked");
            return;
        }
        if (ledgerSays instanceof LedgerVerdict.AlreadyEnded) {
            finish(lease, Decision.SKIP, task);
            return;
        }
        PriorAttempts prior = ((LedgerVerdict.Run) ledgerSays).prior();
        if (prior.deaths() > 0) {
            meters.counter(WorkerMetrics.WORKER_DIED).increment();
        }
        // Its owner's wish ends it first, whatever its earlier attempts did (as at the gateway's legacy slots).
        Cancellations.Verdict verdict = cancellations.verdict(requestId, task.getLicenseKey());
        if (verdict == Cancellations.Verdict.CANCELLED) {
            endUnstarted(lease, task, delivery, "before it started");
            return;
        }
        if (verdict == Cancellations.Verdict.FOREIGN_ONLY) {
            log.warn("ignoring a cancel of requestId={} sent with another license's key", requestId);
        }
        // A worker's death ends every task it ran: only an attempt that ran alone proves this task killed it (ADR 038).
        boolean suspect = prior.deaths() >= settings.quarantineAfter();
        if (suspect && prior.lastAbandonedAlone()) {
            quarantine(
                    lease,
                    task,
                    delivery,
                    DeadLetterReason.KILLS_WORKERS,
                    prior.deaths() + " attempts ended with their worker dying, the last one running alone on "
                            + prior.lastWorkerId());
            return;
        }
        if (Decision.tooLateToRiskAnotherDeath(delivery, settings.deliveryCountLimit(), prior.deaths())) {
            quarantine(
                    lease,
                    task,
                    delivery,
                    DeadLetterReason.DELIVERY_LIMIT,
                    "not run on its last delivery: " + prior.deaths()
                            + " earlier attempt(s) ended with their worker dying, last on " + prior.lastWorkerId()
                            + "; one more would end it without a word");
            return;
        }
        long startedAt = System.nanoTime();
        TaskOutcome outcome;
        WorkerIsolation.Pass pass;
        try {
            pass = isolation.enter(suspect, waitingFor(lease, task));
        } catch (CancelledWhileWaiting e) {
            endUnstarted(lease, task, delivery, "while it waited for its turn at this worker"); // ADR 038
            return;
        }
        lastPass = pass;
        try {
            if (cancellations.verdict(requestId, task.getLicenseKey()) == Cancellations.Verdict.CANCELLED) {
                endUnstarted(lease, task, delivery, "while it waited for its turn at this worker"); // ADR 038
                return;
            }
            if (suspect) {
                meters.counter(WorkerMetrics.SUSPECTS_RUN_ALONE, MetricNames.TAG_SOURCE, TaskReporter.SOURCE)
                        .increment();
                log.warn(
                        "requestId={} runs alone: {} earlier attempts ended with their worker dying, the latest of them"
                                + " beside other tasks; dying again now would be its own doing",
                        requestId,
                        prior.deaths());
            }
            try {
                startedSent = true;
                long sentAt = System.nanoTime();
                leased(lease, () -> reporter.started(task, delivery, pass.alone()));
                startedAt = System.nanoTime();
                steps.since(HandOverSteps.Step.STARTED, sentAt);
                // Another member may have acquired the record while STARTED was on its way (a broker restart forgets
                // locks) and, not seeing it yet, be running the task: only a renewal granted now proves none did
                // (ADR 023).
                lease.confirm();
                steps.since(HandOverSteps.Step.CONFIRM, startedAt);
                outcome = run(
                        lease,
                        task,
                        runner,
                        ProgressThrottle.of(
                                reporter, task, delivery, settings.progressInterval(), clock, lease::surelyHeld),
                        claim);
            } catch (Lease.LockLost e) {
                endLostAttempt(task, delivery, e);
                throw e;
            }
        } finally {
            closeWhenIdle(pass, runner);
        }
        Decision decision = Decision.of(outcome, delivery, settings.deliveryCountLimit());
        Timer.builder(MetricNames.TASK_DURATION)
                .tag(MetricNames.TAG_TASK_TYPE, task.getTaskType())
                .tag(MetricNames.TAG_OUTCOME, decision.name().toLowerCase(Locale.ROOT))
                .publishPercentileHistogram()
                .register(meters)
                .record(Duration.ofNanos(System.nanoTime() - startedAt));
        switch (decision) {
            case SUCCEED -> {
                TaskOutcome.Succeeded succeeded = (TaskOutcome.Succeeded) outcome;
                record(lease, task, reporter.succeeded(task, delivery, succeeded.resultJson(), succeeded.stored()));
            }
            case CANCEL -> {
                log.info("requestId={} stopped: cancelled by its license while running", requestId);
                record(lease, task, reporter.cancelled(task, delivery, ((TaskOutcome.Cancelled) outcome).reason()));
            }
            case FAIL -> {
                TaskOutcome.Failed failed = (TaskOutcome.Failed) outcome;
                record(lease, task, reporter.failed(task, delivery, failed.code(), failed.message()));
            }
            case DEAD_LETTER ->
                leased(
                        lease,
                        () -> reporter.deadLettered(
                                task,
                                delivery,
                                DeadLetterReason.DELIVERY_LIMIT,
                                ((TaskOutcome.Retry) outcome).reason()));
            case RETRY -> {
                leased(lease, () -> reporter.requeued(task, delivery, "RETRY", ((TaskOutcome.Retry) outcome).reason()));
                lease.hold(RetryBackoff.after(delivery, settings.retryBackoff(), settings.retryBackoffMax()));
            }
            default -> throw new IllegalStateException("not an outcome decision: " + decision);
        }
        finish(lease, decision, task);
    }

    /** A task its license cancelled ends here, {@code CANCELLED}, never started. */
    private void endUnstarted(Lease lease, TaskRequested task, int delivery, String when) throws Exception {
        log.info("requestId={} was cancelled by its license {}; not running it", task.getRequestId(), when);
        Outcome notStarted = reporter.cancelled(task, delivery, "cancelled before it started");
        leased(lease, () -> reporter.record(notStarted));
        finish(lease, Decision.CANCEL, task);
    }

    /**
     * How a slot waits for its turn at the worker: renewing its lock, giving up when the worker stops (the task goes
     * back unstarted), and looking now and then whether its task was cancelled meanwhile (the wait may last as long as
     * a neighbour's task).
     */
    private WorkerIsolation.Waiting waitingFor(Lease lease, TaskRequested task) {
        return change -> {
            try {
                lease.await(CompletableFuture.anyOf(
                        change,
                        stopped,
                        new CompletableFuture<Void>()
                                .completeOnTimeout(null, CANCEL_LOOK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)));
            } catch (ExecutionException e) {
                throw new IllegalStateException("a change of the isolation gate never fails", e);
            }
            if (stopping) {
                throw new WorkerStopping();
            }
            if (cancellations.verdict(task.getRequestId(), task.getLicenseKey()) == Cancellations.Verdict.CANCELLED) {
                throw new CancelledWhileWaiting();
            }
        };
    }

    /**
     * Closes the pass once the slot's task thread is idle: a handler stopped by its deadline or a cancel may outlive its
     * future, and while it runs no other run here is alone.
     */
    private static void closeWhenIdle(WorkerIsolation.Pass pass, ExecutorService runner) {
        try {
            runner.execute(pass::close);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pass.close(); // the slot is ending: its task thread was stopped
        }
    }

    /** Dead-letters a task without running it: its earlier attempts say running it again risks another worker. */
    private void quarantine(Lease lease, TaskRequested task, int delivery, DeadLetterReason reason, String why)
            throws Exception {
        leased(lease, () -> reporter.deadLettered(task, delivery, reason, why));
        finish(lease, Decision.QUARANTINE, task);
    }

    /** Runs the handler on the slot's task thread; this thread keeps the lock meanwhile. */
    private TaskOutcome run(
            Lease lease, TaskRequested task, ExecutorService runner, TaskContext context, RunningTasks.Claim claim)
            throws InterruptedException, Lease.LockLost {
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        Future<TaskOutcome> work = runner.submit(() -> {
            if (logContext != null) {
                MDC.setContextMap(logContext);
            }
            try {
                return handlers.run(task, context);
            } finally {
                MDC.clear();
            }
        });
        claim.attach(work);
        // A cancel that arrived between the check before the start and the attach above is applied here.
        if (cancellations.verdict(task.getRequestId(), task.getLicenseKey()) == Cancellations.Verdict.CANCELLED) {
            claim.cancel();
        }
        Duration deadline = deadlines.of(task.getTaskType());
        AtomicBoolean overdue = new AtomicBoolean();
        ScheduledFuture<?> timer = overrun.schedule(
                () -> {
                    overdue.set(true);
                    work.cancel(true);
                },
                deadline.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            TaskOutcome outcome = lease.await(work);
            return claim.cancelled() ? new TaskOutcome.Cancelled("cancelled while running") : outcome;
        } catch (CancellationException e) {
            if (overdue.get() && !claim.cancelled()) {
                meters.counter(WorkerMetrics.DEADLINES_PASSED, MetricNames.TAG_TASK_TYPE, task.getTaskType())
                        .increment();
                log.warn("requestId={} ran past its deadline of {} and was stopped", task.getRequestId(), deadline);
                return new TaskOutcome.Failed("DEADLINE", "任务超时：运行超过 " + deadline.toSeconds() + " 秒，已停止");
            }
            return new TaskOutcome.Cancelled("cancelled while running");
        } catch (ExecutionException e) {
            return new TaskOutcome.Retry(e.getCause().toString());
        } finally {
            timer.cancel(false);
            work.cancel(true);
            int renewals = lease.renewals();
            if (renewals > 0) {
                meters.counter(WorkerMetrics.LOCK_RENEWALS).increment(renewals);
            }
        }
    }

    /**
     * Says that this attempt ended because its lock was lost, not because its worker died, so it does not count
     * towards quarantine; written without waiting (the record is no longer this slot's), after any step still queued
     * on {@code io}. Fenced by its delivery, it cannot close the attempt of the member that took the task over.
     */
    private void endLostAttempt(TaskRequested task, int delivery, Lease.LockLost lost) {
        closeAttempt(task, delivery, "LOCK_LOST", "lock lost: " + lost.getMessage());
    }

    /**
     * Says, without waiting, that this worker's attempt ended without an outcome and gave the task back, after any
     * step still queued on {@code io} (its STARTED among them); fenced by its delivery, it closes only this attempt.
     */
    private void closeAttempt(TaskRequested task, int delivery, String code, String reason) {
        io.execute(() -> {
            try {
                reporter.requeued(task, delivery, code, reason);
            } catch (Exception e) {
                log.warn("could not say that requestId={} was given back ({}): {}", task.getRequestId(), code, e);
            }
        });
    }

    private void requeue(Lease lease, TaskRequested task, int delivery, String code, String reason) {
        if (Decision.giveBack(delivery, settings.deliveryCountLimit()) == Decision.DEAD_LETTER) {
            giveBack(lease, task, delivery, reason);
            return;
        }
        try {
            leased(lease, () -> reporter.requeued(task, delivery, code, reason));
        } catch (Exception e) {
            log.warn("could not say that requestId={} goes back to the queue: {}", task.getRequestId(), e.toString());
        }
        finish(lease, Decision.RETRY, task);
    }

    /**
     * Gives a task back unrun: RETRY, or DEAD_LETTER on its last delivery. A dead letter that cannot be
     * recorded leaves the task to the broker, said loudly: it will archive it.
     */
    private void giveBack(Lease lease, TaskRequested task, int delivery, String why) {
        Decision decision = Decision.giveBack(delivery, settings.deliveryCountLimit());
        if (decision == Decision.RETRY) {
            finish(lease, decision, task);
            return;
        }
        try {
            leased(
                    lease,
                    () -> reporter.deadLettered(
                            task, delivery, DeadLetterReason.DELIVERY_LIMIT, why + " on its last delivery"));
            finish(lease, decision, task);
        } catch (Exception e) {
            meters.counter(WorkerMetrics.UNRECORDED_GIVE_BACKS).increment();
            log.error(
                    "requestId={} could not be dead-lettered on its last delivery ({}); the broker archives it: {}",
                    task.getRequestId(),
                    why,
                    e.toString());
            releaseQuietly(lease, task);
        }
    }

    /** A step that publishes to Kafka and waits for the acknowledgement. */
    @FunctionalInterface
    private interface Send {
        void run() throws Exception;
    }

    /** Runs a send beside the lease's renewals, so a slow broker cannot make the lock lapse (ADR 018). */
    private void leased(Lease lease, Send send) throws Exception {
        lease.during(
                () -> {
                    send.run();
                    return null;
                },
                io);
    }

    /**
     * Records the outcome of a task that ran. Its effect has happened, so the outcome must land: it is the ledger entry
     * that keeps the next delivery from running the task again. The lock is kept while it is sent; a send that fails
     * (a broker restart can fail one outright) is tried again until it lands or the ledger shows the task ended. When
     * the lock is lost meanwhile, the slot still waits for the outcome before it lets go of the task, so a copy
     * redelivered to this worker waits for it too ({@link RunningTasks}); then {@link Lease.LockLost} is thrown. A
     * worker stopped past its shutdown deadline meanwhile keeps the outcome in its {@link OutcomeJournal} and throws
     * {@link OutcomeKept}.
     */
    private void record(Lease lease, TaskRequested task, Outcome outcome) throws Exception {
        long sentAt = System.nanoTime();
        try {
            lease.seeThrough(
                    () -> {
                        outcomes.recordUntilItLands(outcome.record(), () -> reporter.record(outcome));
                        return null;
                    },
                    io,
                    lost -> log.warn(
                            "slot {} lost the lock on requestId={} while recording its outcome; recording it all the"
                                    + " same: {}",
                            name,
                            task.getRequestId(),
                            lost.getMessage()));
            steps.since(HandOverSteps.Step.OUTCOME, sentAt);
        } catch (InterruptedException e) {
            try {
                Path kept = journal.keep(task.getRequestId(), outcome.record());
                meters.counter(WorkerMetrics.OUTCOME_JOURNAL, MetricNames.TAG_STEP, OutcomeJournal.KEPT)
                        .increment();
                // the kept outcome replaces the sends still being tried: the worker is going, its producer with it
                io.shutdownNow();
                log.warn(
                        "slot {} stopped before the outcome of requestId={} was recorded; kept in {} for the next start",
                        name,
                        task.getRequestId(),
                        kept);
                throw new OutcomeKept(e);
            } catch (java.io.IOException journalFailed) {
                log.error(
                        "slot {} could not keep the outcome of requestId={} ({}); the task goes back and may run again",
                        name,
                        task.getRequestId(),
                        journalFailed.toString());
                throw e;
            }
        }
    }

    /** The slot was stopped while recording an outcome, which waits in the journal for the next start. */
    static final class OutcomeKept extends InterruptedException {
        OutcomeKept(InterruptedException cause) {
            super("stopped while recording an outcome; kept in the journal");
            initCause(cause);
        }
    }

    private void releaseQuietly(Lease lease, TaskRequested task) {
        try {
            lease.acknowledge(AcknowledgeType.RELEASE).ifPresent(error -> {
                log.debug("release of requestId={} refused: {}", task.getRequestId(), error);
                consumerSpoiled |= Lease.spoils(error);
            });
        } catch (RuntimeException e) {
            log.warn("could not release requestId={}: {}", task.getRequestId(), e.toString());
            consumerSpoiled = true;
        }
    }

    /**
     * The broker's answer to acknowledgements a poll (or a close) carried, given at the start of the consumer's next
     * call: one that rode there from {@link #finish} and failed is counted and logged as a failed commit was before,
     * and a consumer left in an unknown state is replaced before the slot's next poll. Answers to acknowledgements
     * committed at once are left to their caller.
     */
    private void answered(Map<TopicIdPartition, Set<Long>> offsets, Exception error) {
        riding.answered(offsets, error).ifPresent(failed -> {
            consumerSpoiled |= Lease.spoils(failed); // replaced before the next poll
            meters.counter(WorkerMetrics.ACK_ERRORS).increment();
            log.warn(
                    "slot {}: a final acknowledgement sent with a poll failed: {}; the outcomes stand, and a redelivered"
                            + " copy is skipped",
                    name,
                    failed.toString());
        });
    }

    private void finish(Lease lease, Decision decision, TaskRequested task) {
        meters.counter(WorkerMetrics.TASK_DECISIONS, "decision", decision.name().toLowerCase(Locale.ROOT))
                .increment();
        Optional<KafkaException> error;
        try {
            if (decision.endsTheRecord()) {
                // the outcome is recorded (or the record unreadable): the ACCEPT or REJECT goes with the next poll,
                // which fetches the next task in the same request; its answer comes to answered()
                error = riding.ride(lease, decision.acknowledgement());
                if (error.isEmpty()) {
                    endedAt = System.nanoTime(); // the next poll carries it: from here the slot waits for its next task
                }
            } else {
                error = lease.acknowledge(decision.acknowledgement());
            }
        } catch (IllegalStateException e) {
            // its lock was lost: the outcome stands; the consumer is replaced before the next poll
            consumerSpoiled = true;
            error = Optional.of(new KafkaException(e));
        }
        if (error.isPresent()) {
            consumerSpoiled |= Lease.spoils(error.get()); // replaced before the next poll
            meters.counter(WorkerMetrics.ACK_ERRORS).increment();
            log.warn(
                    "acknowledgement ({}) of requestId={} failed: {}; its outcome stands, another worker will skip it",
                    decision,
                    task == null ? "?" : task.getRequestId(),
                    error.get().toString());
        }
    }
}
