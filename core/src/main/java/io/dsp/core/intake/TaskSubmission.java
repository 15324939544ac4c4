package io.dsp.core.intake;

import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * One task entering the system as every intake writes it (asset-api over HTTP, the gateway over WebSocket, ops for
 * migrated, replayed and redriven tasks): the task record in its license's topic for its priority, then its first
 * steps in {@code dsp.task-events}, all keyed by request id. Every record carries the same {@code traceparent}: the
 * writing hop's span of the task's trace, so one trace id joins the logs of every service that handles the task.
 */
public final class TaskSubmission {

    private final TaskRequested task;
    private final List<ProducerRecord<byte[], byte[]>> records;

    private TaskSubmission(TaskRequested task, List<ProducerRecord<byte[], byte[]>> records) {
        this.task = task;
        this.records = List.copyOf(records);
    }

    /** A task as an edge accepts it, requested now. */
    public static TaskRequested task(
            String requestId,
            String licenseKey,
            String taskType,
            Object payload,
            Priority priority,
            TaskOrigin origin,
            Instant now) {
        return TaskRequested.newBuilder()
                .setRequestId(requestId)
                .setLicenseKey(licenseKey)
                .setTaskType(taskType)
                .setPayload(payload)
                .setPriority(priority)
                .setRequestedAt(now)
                .setOrigin(origin)
                .build();
    }

    /**
     * A task new to the system: its record, {@code ACCEPTED} (with the task's origin and priority, so every reader of
     * the events has them) and, when it has to wait for a worker, {@code QUEUED}.
     *
     * @param source who writes it ({@code asset-api}, {@code gateway}, {@code ops})
     * @param queued whether to record {@code QUEUED} (an edge: no worker online; ops: always)
     */
    public static TaskSubmission accepted(
            TaskRequested task, String source, Instant at, boolean queued, TraceContext trace) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(taskRecord(task, trace));
        records.add(step(
                task,
                TaskEvents.about(task, TaskEventType.ACCEPTED, source, at)
                        .setOrigin(task.getOrigin())
                        .setPriority(task.getPriority()),
                trace));
        if (queued) {
            records.add(step(task, TaskEvents.about(task, TaskEventType.QUEUED, source, at), trace));
        }
        return new TaskSubmission(task, records);
    }

    /** A task the system knows, once more under its own id (the replay of a lost run): its record and {@code QUEUED}. */
    public static TaskSubmission requeued(TaskRequested task, String source, Instant at, TraceContext trace) {
        return new TaskSubmission(
                task,
                List.of(
                        taskRecord(task, trace),
                        step(task, TaskEvents.about(task, TaskEventType.QUEUED, source, at), trace)));
    }

    public TaskRequested task() {
        return task;
    }

    /** The records in the order they are sent: the task, then its steps. */
    public List<ProducerRecord<byte[], byte[]>> records() {
        return records;
    }

    /**
     * Kafka may hold the task or may not: the transaction's commit was sent and not answered in time. The task runs if
     * the commit took; an edge must not call that "failed", only "not confirmed yet" (ADR 019).
     */
    public static final class Unconfirmed extends KafkaException {
        Unconfirmed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Ensures the license's topic for the task's priority, sends every record and returns once Kafka acknowledged all
     * of them: an intake answers its caller only then, so an accepted task is never lost.
     *
     * <p>The edges send through {@link IntakeProducer#send}, which commits submissions in groups. With a transactional
     * template passed here the records go in one transaction of their own: when
     * this throws, the transaction was aborted (or never committed), so no reader of committed records (the
     * dispatcher, asset-api's read models, the workers' ledger) ever sees the task: a task refused is never run. The
     * one exception is {@link Unconfirmed}: the commit itself went unanswered.
     *
     * @throws KafkaException when the topic cannot be created or a record is not acknowledged within the timeout (an
     *     interrupted wait restores the thread's interrupt flag)
     */
    public void send(TopicProvisioner topics, KafkaTemplate<byte[], byte[]> kafka, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            topics.ensureTopicOf(task);
            if (!kafka.isTransactional()) {
                sendAll(kafka, deadline);
                return;
            }
            AtomicBoolean sent = new AtomicBoolean();
            try {
                kafka.executeInTransaction(operations -> {
                    sendAll(operations, deadline);
                    sent.set(true);
                    return null;
                });
            } catch (RuntimeException e) {
                if (sent.get()) {
                    // every record was acknowledged, so it was the commit that failed: it may have taken
                    throw new Unconfirmed(
                            "Task " + task.getRequestId() + " sent; its commit was not confirmed: " + e, e);
                }
                throw e;
            }
        } catch (Unconfirmed e) {
            throw e;
        } catch (Wrapped e) {
            throw failure(e.getCause(), timeout);
        } catch (RuntimeException e) {
            throw failure(e, timeout);
        }
    }

    /** The exception a caller gets for a submission that was never sent or whose transaction was aborted. */
    KafkaException failure(Throwable cause, Duration timeout) {
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new KafkaException("Interrupted while sending task " + task.getRequestId(), cause);
        }
        if (cause instanceof ExecutionException e) {
            return new KafkaException("Task " + task.getRequestId() + " not sent: " + e.getCause(), e.getCause());
        }
        if (cause instanceof TimeoutException) {
            return new KafkaException("Task " + task.getRequestId() + " not acknowledged within " + timeout, cause);
        }
        return cause instanceof KafkaException kafkaException
                ? kafkaException
                : new KafkaException("Task " + task.getRequestId() + " not sent: " + cause, cause);
    }

    /** Sends every record and waits for all acknowledgements until the deadline ({@link System#nanoTime()}). */
    private void sendAll(KafkaOperations<byte[], byte[]> kafka, long deadline) {
        try {
            CompletableFuture<?>[] sends = records.stream().map(kafka::send).toArray(CompletableFuture<?>[]::new);
            CompletableFuture.allOf(sends).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new Wrapped(e);
        }
    }

    /** Carries a checked exception out of a transaction's callback. */
    private static final class Wrapped extends RuntimeException {
        Wrapped(Exception cause) {
            super(cause);
        }
    }

    private static ProducerRecord<byte[], byte[]> taskRecord(TaskRequested task, TraceContext trace) {
        return traced(TenantTopics.forTask(task).record(task.getRequestId(), task), trace);
    }

    private static ProducerRecord<byte[], byte[]> step(
            TaskRequested task, io.dsp.schemas.avro.TaskEvent.Builder event, TraceContext trace) {
        return traced(Topics.TASK_EVENTS.record(task.getRequestId(), event.build()), trace);
    }

    private static ProducerRecord<byte[], byte[]> traced(ProducerRecord<byte[], byte[]> record, TraceContext trace) {
        trace.writeTo(record.headers());
        return record;
    }
}
