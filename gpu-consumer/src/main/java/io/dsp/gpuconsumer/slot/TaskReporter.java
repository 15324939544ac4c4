package io.dsp.gpuconsumer.slot;

import io.dsp.core.slot.Outcome;
import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.avro.StoredResult;
import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes what happens to a task on this worker, and waits for Kafka to have it before the delivery is acknowledged.
 * Every record carries the task's trace context, continued from the record the slot took ({@link #trace}); outcomes
 * are counted by task type.
 */
@Component
class TaskReporter {

    static final String SOURCE = "gpu-consumer";
    /**
     * Longer than the producer's delivery timeout (120 s by default), so a send ends with the producer's own verdict:
     * an outcome given up on earlier could still land after the task was released, and another worker, finding no
     * outcome, would run it again (a broker restart takes tens of seconds on a small machine).
     */
    private static final long SEND_TIMEOUT_SECONDS = 130;

    private final KafkaTemplate<byte[], byte[]> kafka;
    private final WorkerIdentity identity;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, TraceContext> traces = new ConcurrentHashMap<>();

    TaskReporter(KafkaTemplate<byte[], byte[]> kafka, WorkerIdentity identity, Clock clock, MeterRegistry meters) {
        this.kafka = kafka;
        this.identity = identity;
        this.clock = clock;
        this.meters = meters;
    }

    /** The trace context this worker's records about the task carry from now on: a child of the consumed one. */
    void trace(String requestId, TraceContext trace) {
        traces.put(requestId, trace);
    }

    void untrace(String requestId) {
        traces.remove(requestId);
    }

    /**
     * The attempt starts; {@code alone} says that nothing else runs on this worker meanwhile, so that a death of it
     * counts against this task alone (ADR 038).
     */
    void started(TaskRequested task, int deliveryCount, boolean alone) throws Exception {
        send(event(task, TaskEventType.STARTED, deliveryCount)
                .setRanAlone(alone ? Boolean.TRUE : null)
                .build());
    }

    /** Progress of a running task, as the legacy {@code gpu.task.progress} frame; sent without waiting. */
    void progress(TaskRequested task, int deliveryCount, TaskProgress progress) {
        TaskEvent event = event(task, TaskEventType.PROGRESS, deliveryCount)
                .setProgress(progress)
                .build();
        kafka.send(traced(Topics.TASK_EVENTS.record(event.getRequestId(), event)));
    }

    /**
     * This attempt ended without an outcome and the task goes back to the queue: a retry, or a stopping worker. The
     * step back to {@code queued} with an error tells the next attempt that this worker did not die mid-task.
     */
    void requeued(TaskRequested task, int deliveryCount, String code, String reason) throws Exception {
        send(TaskEvents.givenBack(event(task, TaskEventType.PROGRESS, deliveryCount), code, reason)
                .build());
    }

    /** Sends an outcome and waits for Kafka to have it; counts it by task type. */
    void record(Outcome outcome) throws Exception {
        resend(outcome.record());
        meters.counter(outcome.counter(), MetricNames.TAG_TASK_TYPE, outcome.taskType(), MetricNames.TAG_SOURCE, SOURCE)
                .increment();
    }

    /** Sends a record as it is (one built here, or kept from an earlier run) and waits for Kafka to have it. */
    void resend(ProducerRecord<byte[], byte[]> kept) throws Exception {
        kafka.send(kept).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    Outcome succeeded(TaskRequested task, int deliveryCount, String resultJson, StoredResult stored) {
        return outcome(
                task,
                MetricNames.TASKS_SUCCEEDED,
                event(task, TaskEventType.SUCCEEDED, deliveryCount)
                        .setResultJson(resultJson)
                        .setStored(stored)
                        .build());
    }

    Outcome failed(TaskRequested task, int deliveryCount, String code, String message) {
        return outcome(
                task,
                MetricNames.TASKS_FAILED,
                event(task, TaskEventType.FAILED, deliveryCount)
                        .setError(new TaskError(code, message))
                        .build());
    }

    /** The owner cancelled the task: it did not run, or was stopped and its result discarded. */
    Outcome cancelled(TaskRequested task, int deliveryCount, String reason) {
        return outcome(
                task,
                MetricNames.TASKS_CANCELLED,
                event(task, TaskEventType.CANCELLED, deliveryCount)
                        .setError(new TaskError("CANCELLED", "任务已取消: " + reason))
                        .build());
    }

    private Outcome outcome(TaskRequested task, String counter, TaskEvent event) {
        return new Outcome(traced(Topics.TASK_EVENTS.record(event.getRequestId(), event)), counter, task.getTaskType());
    }

    void deadLettered(TaskRequested task, int deliveryCount, DeadLetterReason reason, String lastError)
            throws Exception {
        DeadLetter letter = DeadLetter.newBuilder()
                .setTask(task)
                .setReason(reason)
                .setDeliveryCount(deliveryCount)
                .setLastError(lastError)
                .setWorkerId(identity.id())
                .setSourceTopic(Topics.DISPATCH.name())
                .setDeadLetteredAt(clock.instant())
                .build();
        kafka.send(traced(Topics.DEAD_LETTERS.record(task.getRequestId(), letter)))
                .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        send(event(task, TaskEventType.DEAD_LETTERED, deliveryCount)
                .setError(new TaskError(reason.name(), lastError))
                .build());
        meters.counter(
                        MetricNames.TASKS_DEAD_LETTERED,
                        MetricNames.TAG_TASK_TYPE,
                        task.getTaskType(),
                        "reason",
                        reason.name().toLowerCase(java.util.Locale.ROOT))
                .increment();
    }

    private ProducerRecord<byte[], byte[]> traced(ProducerRecord<byte[], byte[]> record) {
        String requestId =
                record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
        TraceContext trace = requestId == null ? null : traces.get(requestId);
        if (trace != null) {
            trace.writeTo(record.headers());
        }
        return record;
    }

    private TaskEvent.Builder event(TaskRequested task, TaskEventType type, int deliveryCount) {
        return TaskEvents.about(task, type, SOURCE, clock.instant())
                .setWorkerId(identity.id())
                .setDeliveryCount(deliveryCount);
    }

    private void send(TaskEvent event) throws Exception {
        resend(traced(Topics.TASK_EVENTS.record(event.getRequestId(), event)));
    }
}
