package io.dsp.console.board;

import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.event.TaskEvents;
import java.time.Instant;
import java.util.List;

/** Records of the board's topics, built with the schemas' classes, for tests of the board and of the console. */
public final class Records {

    private Records() {}

    public static WorkerPresence presence(
            String workerId, String lane, int slots, int inFlight, boolean draining, Instant beatAt) {
        return WorkerPresence.newBuilder()
                .setWorkerId(workerId)
                .setKind(WorkerKind.NATIVE)
                .setLane(lane)
                .setHost("host-1")
                .setSlots(slots)
                .setInFlight(inFlight)
                .setDraining(draining)
                .setStartedAt(beatAt.minusSeconds(60))
                .setHeartbeatAt(beatAt)
                .setHeartbeatIntervalMs(1000)
                .build();
    }

    public static QueueFacts facts(String licenseKey, long waiting, int inFlight, Instant oldest, Instant at) {
        return QueueFacts.newBuilder()
                .setLicenseKey(licenseKey)
                .setWaiting(waiting)
                .setInFlight(inFlight)
                .setOldestWaitingSince(oldest)
                .setNextRequestIds(List.of())
                .setAt(at)
                .build();
    }

    public static TaskRequested task(String requestId, String licenseKey, Priority priority, Instant at) {
        return TaskRequested.newBuilder()
                .setRequestId(requestId)
                .setLicenseKey(licenseKey)
                .setTaskType("delete_asset")
                .setPayload(DeleteAssetPayload.newBuilder().setAssetId(1L).build())
                .setPriority(priority)
                .setRequestedAt(at)
                .setOrigin(TaskOrigin.newBuilder().setChannel(TaskChannel.HTTP).build())
                .build();
    }

    public static TaskEvent event(TaskRequested task, TaskEventType type, Instant at) {
        TaskEvent.Builder event = TaskEvents.about(task, type, "test", at);
        if (type == TaskEventType.ACCEPTED) {
            event.setPriority(task.getPriority()).setOrigin(task.getOrigin());
        }
        return event.build();
    }

    public static TaskEvent onWorker(
            TaskRequested task, TaskEventType type, Instant at, String workerId, int delivery) {
        return TaskEvents.about(task, type, "gpu-consumer", at)
                .setWorkerId(workerId)
                .setDeliveryCount(delivery)
                .build();
    }

    public static TaskEvent progress(TaskRequested task, Instant at, String workerId, int percent) {
        return TaskEvents.about(task, TaskEventType.PROGRESS, "gpu-consumer", at)
                .setWorkerId(workerId)
                .setProgress(TaskProgress.newBuilder()
                        .setStatus("processing")
                        .setPercent(percent)
                        .build())
                .build();
    }

    public static TaskEvent failed(TaskRequested task, Instant at, String workerId, String code, String message) {
        return TaskEvents.about(task, TaskEventType.FAILED, "gpu-consumer", at)
                .setWorkerId(workerId)
                .setError(
                        TaskError.newBuilder().setCode(code).setMessage(message).build())
                .build();
    }

    public static DeadLetter deadLetter(TaskRequested task, String lastError, String workerId, Instant at) {
        return DeadLetter.newBuilder()
                .setTask(task)
                .setReason(DeadLetterReason.DELIVERY_LIMIT)
                .setDeliveryCount(5)
                .setLastError(lastError)
                .setWorkerId(workerId)
                .setSourceTopic("dsp.dispatch")
                .setDeadLetteredAt(at)
                .build();
    }
}
