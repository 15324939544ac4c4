package io.dsp.gpuconsumer.slot;

import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** Publishes what happens to a task on this worker, and waits for Kafka to have it before the delivery is acknowledged. */
@Component
class TaskReporter {

    private static final String SOURCE = "gpu-consumer";
    private static final long SEND_TIMEOUT_SECONDS = 30;

    private final KafkaTemplate<byte[], byte[]> kafka;
    private final WorkerIdentity identity;
    private final Clock clock;

    TaskReporter(KafkaTemplate<byte[], byte[]> kafka, WorkerIdentity identity, Clock clock) {
        this.kafka = kafka;
        this.identity = identity;
        this.clock = clock;
    }

    void started(TaskRequested task, int deliveryCount) throws Exception {
        send(event(task, TaskEventType.STARTED, deliveryCount).build());
    }

    /** Progress of a running task, as the legacy {@code gpu.task.progress} frame; sent without waiting. */
    void progress(TaskRequested task, int deliveryCount, TaskProgress progress) {
        TaskEvent event = event(task, TaskEventType.PROGRESS, deliveryCount)
                .setProgress(progress)
                .build();
        kafka.send(Topics.TASK_EVENTS.record(event.getRequestId(), event));
    }

    /**
     * This attempt ended without an outcome and the task goes back to the queue: a retry, or a stopping worker. The
     * step back to {@code queued} with an error tells the next attempt that this worker did not die mid-task.
     */
    void requeued(TaskRequested task, int deliveryCount, String code, String reason) throws Exception {
        send(event(task, TaskEventType.PROGRESS, deliveryCount)
                .setProgress(TaskProgress.newBuilder()
                        .setStatus("queued")
                        .setPercent(0)
                        .setMessage("重新排队: " + reason)
                        .build())
                .setError(new TaskError(code, reason))
                .build());
    }

    void succeeded(TaskRequested task, int deliveryCount, String resultJson) throws Exception {
        send(event(task, TaskEventType.SUCCEEDED, deliveryCount)
                .setResultJson(resultJson)
                .build());
    }

    void failed(TaskRequested task, int deliveryCount, String code, String message) throws Exception {
        send(event(task, TaskEventType.FAILED, deliveryCount)
                .setError(new TaskError(code, message))
                .build());
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
        kafka.send(Topics.DEAD_LETTERS.record(task.getRequestId(), letter)).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        send(event(task, TaskEventType.DEAD_LETTERED, deliveryCount)
                .setError(new TaskError(reason.name(), lastError))
                .build());
    }

    private TaskEvent.Builder event(TaskRequested task, TaskEventType type, int deliveryCount) {
        return TaskEvents.about(task, type, SOURCE, clock.instant())
                .setWorkerId(identity.id())
                .setDeliveryCount(deliveryCount);
    }

    private void send(TaskEvent event) throws Exception {
        kafka.send(Topics.TASK_EVENTS.record(event.getRequestId(), event)).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
