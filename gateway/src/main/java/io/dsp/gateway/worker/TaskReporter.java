package io.dsp.gateway.worker;

import io.dsp.core.slot.Outcome;
import io.dsp.gateway.routing.EventRouter;
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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes what a legacy worker does with a task, and waits for Kafka to have it before the share-group delivery is
 * acknowledged: the dispatcher counts the task in flight until a terminal step arrives. Every record carries a child
 * of the task's trace; every end is counted ({@code source=gateway}).
 */
@Component
class TaskReporter {

    static final String SOURCE = "gateway";
    /**
     * Longer than the producer's delivery timeout (120 s by default), so a send ends with the producer's own verdict:
     * an outcome given up on earlier could still land after the task was released, and another worker, finding no
     * outcome, would run it again (a broker restart takes tens of seconds on a small machine).
     */
    private static final long SEND_TIMEOUT_SECONDS = 130;

    private final KafkaTemplate<byte[], byte[]> kafka;
    private final Clock clock;
    private final MeterRegistry meters;
    private final JsonMapper json;

    TaskReporter(KafkaTemplate<byte[], byte[]> kafka, Clock clock, MeterRegistry meters, JsonMapper json) {
        this.kafka = kafka;
        this.clock = clock;
        this.meters = meters;
        this.json = json;
    }

    /** @param alone whether nothing else runs on its worker meanwhile (ADR 038) */
    void started(TaskRequested task, String workerId, int delivery, boolean alone, TraceContext trace)
            throws Exception {
        send(
                event(task, TaskEventType.STARTED, workerId, delivery)
                        .setRanAlone(alone ? Boolean.TRUE : null)
                        .build(),
                trace);
    }

    /** Counts a suspect run alone on its legacy worker (ADR 038). */
    void runAlone() {
        meters.counter(MetricNames.SUSPECTS_RUN_ALONE, MetricNames.TAG_SOURCE, SOURCE)
                .increment();
    }

    /** Sends an outcome and waits for Kafka to have it; counts it by task type. */
    void record(Outcome outcome) throws Exception {
        resend(outcome.record());
        Counter.builder(outcome.counter())
                .tag(MetricNames.TAG_TASK_TYPE, outcome.taskType())
                .tag(MetricNames.TAG_SOURCE, SOURCE)
                .register(meters)
                .increment();
    }

    /** Sends a record as it is (one built here, or kept by an earlier run) and waits for Kafka to have it. */
    void resend(ProducerRecord<byte[], byte[]> record) throws Exception {
        kafka.send(record).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    Outcome succeeded(TaskRequested task, String workerId, int delivery, String resultJson, TraceContext trace) {
        return outcome(
                task,
                MetricNames.TASKS_SUCCEEDED,
                event(task, TaskEventType.SUCCEEDED, workerId, delivery)
                        .setResultJson(resultJson)
                        .build(),
                trace);
    }

    /** A task that produced a file: the SUCCEEDED event names the stored result, never a path on a GPU. */
    Outcome succeeded(
            TaskRequested task,
            String workerId,
            int delivery,
            Map<String, Object> result,
            StoredResult stored,
            TraceContext trace) {
        return outcome(
                task,
                MetricNames.TASKS_SUCCEEDED,
                event(task, TaskEventType.SUCCEEDED, workerId, delivery)
                        .setResultJson(json.writeValueAsString(result))
                        .setStored(stored)
                        .build(),
                trace);
    }

    Outcome failed(TaskRequested task, String workerId, int delivery, String code, String message, TraceContext trace) {
        return outcome(
                task,
                MetricNames.TASKS_FAILED,
                event(task, TaskEventType.FAILED, workerId, delivery)
                        .setError(new TaskError(code, message))
                        .build(),
                trace);
    }

    private static Outcome outcome(TaskRequested task, String counter, TaskEvent event, TraceContext trace) {
        return new Outcome(
                traced(Topics.TASK_EVENTS.record(event.getRequestId(), event), trace), counter, task.getTaskType());
    }

    /**
     * The slot ended its attempt without the worker having the task (its lock was lost before the hand-over, staging
     * failed, the GPU forgot it): the attempt is closed for the ledgers, so the next delivery need not wait for it.
     */
    void givenBack(TaskRequested task, String workerId, int delivery, String code, String reason, TraceContext trace)
            throws Exception {
        send(
                TaskEvents.givenBack(event(task, TaskEventType.PROGRESS, workerId, delivery), code, reason)
                        .build(),
                trace);
    }

    /**
     * Says that the gateway let go of an attempt its legacy worker, still connected, may yet run ({@link
     * TaskEvents#letGo}). Sent without waiting: it is said from a slot that is stopping or has lost its lock, which must
     * not wait on the broker; one that does not land leaves the attempt counted as a death, as before.
     */
    java.util.concurrent.CompletableFuture<?> letGo(
            TaskRequested task, String workerId, int delivery, String reason, TraceContext trace) {
        TaskEvent event = TaskEvents.letGo(event(task, TaskEventType.PROGRESS, workerId, delivery), reason)
                .build();
        return kafka.send(traced(Topics.TASK_EVENTS.record(event.getRequestId(), event), trace));
    }

    void cancelled(TaskRequested task, String workerId, Integer delivery, String reason, TraceContext trace)
            throws Exception {
        send(
                event(task, TaskEventType.CANCELLED, workerId, delivery)
                        .setError(new TaskError("CANCELLED", reason == null ? "任务已取消" : "任务已取消: " + reason))
                        .build(),
                trace);
        count(MetricNames.TASKS_CANCELLED, task);
    }

    /**
     * A legacy worker's result for a task that was cancelled while it ran: kept in the task's history (as a
     * {@code discarded} progress step with the result), never a second end and never shown to clients as a success.
     */
    void lateResult(TaskRequested task, String workerId, String resultJson, boolean error, TraceContext trace)
            throws Exception {
        send(
                event(task, TaskEventType.PROGRESS, workerId, null)
                        .setProgress(TaskProgress.newBuilder()
                                .setStatus(EventRouter.DISCARDED)
                                .setPercent(100)
                                .setMessage(error ? "取消后收到的失败结果，已丢弃" : "取消后收到的结果，已丢弃")
                                .build())
                        .setResultJson(resultJson)
                        .build(),
                trace);
    }

    void progress(TaskRequested task, String workerId, TaskProgress progress, TraceContext trace) throws Exception {
        send(
                event(task, TaskEventType.PROGRESS, workerId, null)
                        .setProgress(progress)
                        .build(),
                trace);
    }

    void deadLettered(TaskRequested task, String workerId, int delivery, String lastError, TraceContext trace)
            throws Exception {
        deadLettered(task, workerId, delivery, DeadLetterReason.DELIVERY_LIMIT, lastError, trace);
    }

    void deadLettered(
            TaskRequested task,
            String workerId,
            int delivery,
            DeadLetterReason reason,
            String lastError,
            TraceContext trace)
            throws Exception {
        DeadLetter letter = DeadLetter.newBuilder()
                .setTask(task)
                .setReason(reason)
                .setDeliveryCount(delivery)
                .setLastError(lastError)
                .setWorkerId(workerId)
                .setSourceTopic(Topics.DISPATCH.name())
                .setDeadLetteredAt(clock.instant())
                .build();
        kafka.send(traced(Topics.DEAD_LETTERS.record(task.getRequestId(), letter), trace))
                .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        send(
                event(task, TaskEventType.DEAD_LETTERED, workerId, delivery)
                        .setError(new TaskError(reason.name(), lastError))
                        .build(),
                trace);
        Counter.builder(MetricNames.TASKS_DEAD_LETTERED)
                .tag(MetricNames.TAG_TASK_TYPE, task.getTaskType())
                .tag("reason", reason.name())
                .register(meters)
                .increment();
    }

    private void count(String name, TaskRequested task) {
        Counter.builder(name)
                .tag(MetricNames.TAG_TASK_TYPE, task.getTaskType())
                .tag(MetricNames.TAG_SOURCE, SOURCE)
                .register(meters)
                .increment();
    }

    private TaskEvent.Builder event(TaskRequested task, TaskEventType type, String workerId, Integer delivery) {
        return TaskEvents.about(task, type, SOURCE, clock.instant())
                .setWorkerId(workerId)
                .setDeliveryCount(delivery);
    }

    private void send(TaskEvent event, TraceContext trace) throws Exception {
        kafka.send(traced(Topics.TASK_EVENTS.record(event.getRequestId(), event), trace))
                .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Each record written about a task carries a new span of the task's trace. */
    private static ProducerRecord<byte[], byte[]> traced(ProducerRecord<byte[], byte[]> record, TraceContext trace) {
        trace.child().writeTo(record.headers());
        return record;
    }
}
