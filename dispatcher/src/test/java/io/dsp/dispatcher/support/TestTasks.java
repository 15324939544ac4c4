package io.dsp.dispatcher.support;

import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.TaskAction;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.event.TaskEvents;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Contract values for dispatcher tests, built the way the edges and workers build them. */
public final class TestTasks {

    private TestTasks() {}

    public static TaskRequested deleteAsset(String requestId, String licenseKey, long assetId) {
        return TaskRequested.newBuilder()
                .setRequestId(requestId)
                .setLicenseKey(licenseKey)
                .setTaskType("delete_asset")
                .setPayload(DeleteAssetPayload.newBuilder().setAssetId(assetId).build())
                .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setOrigin(TaskOrigin.newBuilder()
                        .setChannel(TaskChannel.HTTP)
                        .setNodeId("test")
                        .build())
                .build();
    }

    public static TaskEvent event(String requestId, TaskEventType type, Instant at) {
        return TaskEvents.about(deleteAsset(requestId, "license-of-" + requestId, 1), type, "test", at)
                .build();
    }

    /** A cancel command about a task, sent with {@code licenseKey}. */
    public static TaskControl cancel(String requestId, String licenseKey, Instant at) {
        return TaskControl.newBuilder()
                .setCommandId(java.util.UUID.randomUUID().toString())
                .setRequestId(requestId)
                .setLicenseKey(licenseKey)
                .setAction(TaskAction.CANCEL)
                .setAt(at.truncatedTo(ChronoUnit.MILLIS))
                .setSource("test")
                .build();
    }

    /** A worker's heartbeat taken at {@code heartbeatAt}, promising one beat per {@code interval}. */
    public static WorkerPresence presence(
            String workerId, int slots, boolean draining, Instant heartbeatAt, Duration interval) {
        return WorkerPresence.newBuilder()
                .setWorkerId(workerId)
                .setKind(WorkerKind.NATIVE)
                .setLane("gpu")
                .setHost("test-host")
                .setSlots(slots)
                .setInFlight(0)
                .setDraining(draining)
                .setStartedAt(heartbeatAt.minus(Duration.ofMinutes(1)))
                .setHeartbeatAt(heartbeatAt)
                .setHeartbeatIntervalMs(interval.toMillis())
                .build();
    }
}
