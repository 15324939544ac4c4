package io.dsp.gpuconsumer.slot;

import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.gpuconsumer.WorkerSettings;
import io.dsp.gpuconsumer.execution.Decision;
import io.dsp.gpuconsumer.execution.TaskHandlers;
import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slot: a share consumer that acquires exactly one task per poll (explicit acknowledgement, {@code record_limit},
 * {@code max.poll.records=1}), runs it, reports it, and only then acknowledges it. A crash anywhere before the
 * acknowledgement hands the task back to the fleet.
 */
final class Slot implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Slot.class);

    private final String name;
    private final Supplier<ShareConsumer<byte[], byte[]>> consumerFactory;
    private final TaskHandlers handlers;
    private final TaskReporter reporter;
    private final WorkerSettings settings;
    private final AtomicInteger inFlight;
    private final MeterRegistry meters;
    private volatile boolean taking = true;
    private volatile RuntimeException failure;

    Slot(
            String name,
            Supplier<ShareConsumer<byte[], byte[]>> consumerFactory,
            TaskHandlers handlers,
            TaskReporter reporter,
            WorkerSettings settings,
            AtomicInteger inFlight,
            MeterRegistry meters) {
        this.name = name;
        this.consumerFactory = consumerFactory;
        this.handlers = handlers;
        this.reporter = reporter;
        this.settings = settings;
        this.inFlight = inFlight;
        this.meters = meters;
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
        try (ShareConsumer<byte[], byte[]> consumer = consumerFactory.get()) {
            consumer.subscribe(List.of(Topics.DISPATCH.name()));
            while (taking && !Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(settings.pollTimeout())) {
                    handle(consumer, record);
                }
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (RuntimeException e) {
            failure = e;
            log.error("slot {} stopped unexpectedly; its task, if any, goes back to the fleet", name, e);
        }
    }

    private void handle(ShareConsumer<byte[], byte[]> consumer, ConsumerRecord<byte[], byte[]> record) {
        int delivery = record.deliveryCount().map(Short::intValue).orElse(1);
        TaskRequested task;
        try {
            task = Topics.DISPATCH.value(record);
        } catch (SerializationException e) {
            log.error("rejecting undecodable record {}@{}: {}", record.topic(), record.offset(), e.getMessage());
            acknowledge(consumer, record, Decision.REJECT, null);
            return;
        }
        if (task == null) {
            acknowledge(consumer, record, Decision.REJECT, null);
            return;
        }
        inFlight.incrementAndGet();
        try {
            reporter.started(task, delivery);
            TaskOutcome outcome = handlers.run(task);
            Decision decision = Decision.of(outcome, delivery, settings.deliveryCountLimit());
            report(task, delivery, outcome, decision);
            acknowledge(consumer, record, decision, task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Could not report: do not acknowledge; the lock expires or close() hands the task to another slot.
            log.error(
                    "slot {} could not report requestId={}; leaving it to be redelivered: {}",
                    name,
                    task.getRequestId(),
                    e.toString());
            consumer.acknowledge(record, Decision.RETRY.acknowledgement());
            commit(consumer, task);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void report(TaskRequested task, int delivery, TaskOutcome outcome, Decision decision) throws Exception {
        switch (decision) {
            case SUCCEED -> reporter.succeeded(task, delivery, ((TaskOutcome.Succeeded) outcome).resultJson());
            case FAIL -> {
                TaskOutcome.Failed failed = (TaskOutcome.Failed) outcome;
                reporter.failed(task, delivery, failed.code(), failed.message());
            }
            case DEAD_LETTER -> reporter.deadLettered(task, delivery, ((TaskOutcome.Retry) outcome).reason());
            case RETRY, REJECT -> {
                // nothing to record: the task is not finished
            }
        }
    }

    private void acknowledge(
            ShareConsumer<byte[], byte[]> consumer,
            ConsumerRecord<byte[], byte[]> record,
            Decision decision,
            TaskRequested task) {
        consumer.acknowledge(record, decision.acknowledgement());
        meters.counter(WorkerMetrics.TASK_DECISIONS, "decision", decision.name().toLowerCase(Locale.ROOT))
                .increment();
        commit(consumer, task);
    }

    private void commit(ShareConsumer<byte[], byte[]> consumer, TaskRequested task) {
        var results = consumer.commitSync(Duration.ofSeconds(30));
        results.forEach((partition, error) -> error.ifPresent(e -> log.warn(
                "acknowledgement of requestId={} failed ({}); another worker may run it",
                task == null ? "?" : task.getRequestId(),
                e.toString())));
    }
}
