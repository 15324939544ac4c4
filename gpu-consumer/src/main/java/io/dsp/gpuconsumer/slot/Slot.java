package io.dsp.gpuconsumer.slot;

import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.gpuconsumer.WorkerSettings;
import io.dsp.gpuconsumer.execution.Decision;
import io.dsp.gpuconsumer.execution.RetryBackoff;
import io.dsp.gpuconsumer.execution.TaskContext;
import io.dsp.gpuconsumer.execution.TaskHandlers;
import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.gpuconsumer.ledger.PriorAttempts;
import io.dsp.gpuconsumer.ledger.TaskLedger;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slot: a share consumer that acquires exactly one task per poll (explicit acknowledgement, {@code record_limit},
 * {@code max.poll.records=1}), looks it up in the ledger, runs it on its own thread while keeping the lock on it,
 * reports it, and only then acknowledges it. A crash anywhere before the acknowledgement hands the task back to the
 * fleet; the ledger makes sure a task that was reported finished is never run again.
 */
final class Slot implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Slot.class);

    private final String name;
    private final Supplier<ShareConsumer<byte[], byte[]>> consumerFactory;
    private final TaskHandlers handlers;
    private final TaskReporter reporter;
    private final TaskLedger ledger;
    private final RunningTasks running;
    private final WorkerSettings settings;
    private final AtomicInteger inFlight;
    private final MeterRegistry meters;
    private final Clock clock;
    private volatile boolean taking = true;
    private volatile RuntimeException failure;

    Slot(
            String name,
            Supplier<ShareConsumer<byte[], byte[]>> consumerFactory,
            TaskHandlers handlers,
            TaskReporter reporter,
            TaskLedger ledger,
            RunningTasks running,
            WorkerSettings settings,
            AtomicInteger inFlight,
            MeterRegistry meters,
            Clock clock) {
        this.name = name;
        this.consumerFactory = consumerFactory;
        this.handlers = handlers;
        this.reporter = reporter;
        this.ledger = ledger;
        this.running = running;
        this.settings = settings;
        this.inFlight = inFlight;
        this.meters = meters;
        this.clock = clock;
    }

    /** Why the slot died, if it did. */
    RuntimeException failure() {
        return failure;
    }

    String name() {
        return name;
    }

    void stopTakingWork() {
        taking = false;
    }

    @Override
    public void run() {
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> new Thread(r, name + "-task"));
        try (ShareConsumer<byte[], byte[]> consumer = consumerFactory.get()) {
            consumer.subscribe(List.of(Topics.DISPATCH.name()));
            while (taking && !Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(settings.pollTimeout())) {
                    handle(consumer, record, runner);
                }
            }
        } catch (WakeupException | org.apache.kafka.common.errors.InterruptException e) {
            // shutting down; closing the consumer hands back anything unacknowledged
        } catch (RuntimeException e) {
            failure = e;
            log.error("slot {} stopped unexpectedly; its task, if any, goes back to the fleet", name, e);
        } finally {
            runner.shutdownNow();
        }
    }

    private void handle(
            ShareConsumer<byte[], byte[]> consumer, ConsumerRecord<byte[], byte[]> record, ExecutorService runner) {
        Lease lease = new Lease(consumer, record);
        int delivery = record.deliveryCount().map(Short::intValue).orElse(1);
        TaskRequested task;
        try {
            task = Topics.DISPATCH.value(record);
        } catch (SerializationException e) {
            log.error("rejecting undecodable record {}@{}: {}", record.topic(), record.offset(), e.getMessage());
            finish(lease, Decision.REJECT, null);
            return;
        }
        if (task == null) {
            finish(lease, Decision.REJECT, null);
            return;
        }
        if (!taking) {
            // acquired by the last poll of a stopping slot: hand it straight back, untouched
            lease.acknowledge(AcknowledgeType.RELEASE);
            return;
        }
        inFlight.incrementAndGet();
        try (RunningTasks.Claim claim = running.claim(task.getRequestId(), lease)) {
            execute(lease, task, delivery, runner);
        } catch (Lease.LockLost e) {
            meters.counter(WorkerMetrics.LOCK_LOST).increment();
            log.warn(
                    "slot {} lost requestId={} while holding it; leaving it to the fleet: {}",
                    name,
                    task.getRequestId(),
                    e.getMessage());
            // Explicit mode wants every polled record acknowledged before the next poll; the broker refuses this
            // one (or hands it on if the lock was still ours), either way the slot may poll again.
            releaseQuietly(lease, task);
        } catch (InterruptedException e) {
            // stopping past the shutdown deadline: give the task back now, saying so
            Thread.interrupted();
            requeue(lease, task, delivery, "STOPPING", "worker stopping");
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Could not report: give it back; the ledger keeps a reported outcome from being repeated.
            log.error(
                    "slot {} could not report requestId={}; leaving it to be redelivered: {}",
                    name,
                    task.getRequestId(),
                    e.toString());
            releaseQuietly(lease, task);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void execute(Lease lease, TaskRequested task, int delivery, ExecutorService runner) throws Exception {
        String requestId = task.getRequestId();
        PriorAttempts prior;
        try {
            prior = ledger.priorAttempts(requestId);
        } catch (TimeoutException e) {
            // Not knowing whether it finished, the slot must not run it; it comes back after a pause.
            log.warn(
                    "slot {} cannot check requestId={} in the ledger; releasing it: {}",
                    name,
                    requestId,
                    e.getMessage());
            lease.hold(RetryBackoff.after(delivery, settings.retryBackoff(), settings.retryBackoffMax()));
            finish(lease, Decision.RETRY, task);
            return;
        }
        if (prior.finished()) {
            log.info(
                    "requestId={} already {} in the fleet; skipping delivery {}", requestId, prior.outcome(), delivery);
            finish(lease, Decision.SKIP, task);
            return;
        }
        if (prior.abandoned() > 0) {
            meters.counter(WorkerMetrics.WORKER_DIED).increment();
            log.warn(
                    "requestId={} was started {} time(s) without an end, last by {}: the worker died mid-task",
                    requestId,
                    prior.abandoned(),
                    prior.lastWorkerId());
        }
        if (prior.abandoned() >= settings.quarantineAfter()) {
            reporter.deadLettered(
                    task,
                    delivery,
                    DeadLetterReason.KILLS_WORKERS,
                    prior.abandoned() + " attempts ended with their worker dying, last on " + prior.lastWorkerId());
            finish(lease, Decision.QUARANTINE, task);
            return;
        }
        reporter.started(task, delivery);
        TaskOutcome outcome = run(
                lease, task, runner, ProgressThrottle.of(reporter, task, delivery, settings.progressInterval(), clock));
        Decision decision = Decision.of(outcome, delivery, settings.deliveryCountLimit());
        switch (decision) {
            case SUCCEED -> reporter.succeeded(task, delivery, ((TaskOutcome.Succeeded) outcome).resultJson());
            case FAIL -> {
                TaskOutcome.Failed failed = (TaskOutcome.Failed) outcome;
                reporter.failed(task, delivery, failed.code(), failed.message());
            }
            case DEAD_LETTER ->
                reporter.deadLettered(
                        task, delivery, DeadLetterReason.DELIVERY_LIMIT, ((TaskOutcome.Retry) outcome).reason());
            case RETRY -> {
                reporter.requeued(task, delivery, "RETRY", ((TaskOutcome.Retry) outcome).reason());
                lease.hold(RetryBackoff.after(delivery, settings.retryBackoff(), settings.retryBackoffMax()));
            }
            default -> throw new IllegalStateException("not an outcome decision: " + decision);
        }
        finish(lease, decision, task);
    }

    /** Runs the handler on the slot's task thread; this thread keeps the lock meanwhile. */
    private TaskOutcome run(Lease lease, TaskRequested task, ExecutorService runner, TaskContext context)
            throws InterruptedException, Lease.LockLost {
        Future<TaskOutcome> work = runner.submit(() -> handlers.run(task, context));
        try {
            return lease.await(work);
        } catch (ExecutionException e) {
            return new TaskOutcome.Retry(e.getCause().toString());
        } finally {
            work.cancel(true);
            int renewals = lease.renewals();
            if (renewals > 0) {
                meters.counter(WorkerMetrics.LOCK_RENEWALS).increment(renewals);
            }
        }
    }

    private void requeue(Lease lease, TaskRequested task, int delivery, String code, String reason) {
        try {
            reporter.requeued(task, delivery, code, reason);
        } catch (Exception e) {
            log.warn("could not say that requestId={} goes back to the queue: {}", task.getRequestId(), e.toString());
        }
        finish(lease, Decision.RETRY, task);
    }

    private void releaseQuietly(Lease lease, TaskRequested task) {
        try {
            lease.acknowledge(AcknowledgeType.RELEASE)
                    .ifPresent(error -> log.debug("release of requestId={} refused: {}", task.getRequestId(), error));
        } catch (RuntimeException e) {
            log.warn("could not release requestId={}: {}", task.getRequestId(), e.toString());
        }
    }

    private void finish(Lease lease, Decision decision, TaskRequested task) {
        meters.counter(WorkerMetrics.TASK_DECISIONS, "decision", decision.name().toLowerCase(Locale.ROOT))
                .increment();
        Optional<KafkaException> error = lease.acknowledge(decision.acknowledgement());
        if (error.isPresent()) {
            meters.counter(WorkerMetrics.ACK_ERRORS).increment();
            log.warn(
                    "acknowledgement ({}) of requestId={} failed: {}; its outcome stands, another worker will skip it",
                    decision,
                    task == null ? "?" : task.getRequestId(),
                    error.get().toString());
        }
    }
}
