package io.dsp.core.support;

import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import java.time.Instant;

/** Tasks for core's tests: the smallest valid one, a delete of asset 1. */
public final class TestTasks {

    private TestTasks() {}

    public static TaskRequested deleteAsset(String requestId) {
        return TaskRequested.newBuilder()
                .setRequestId(requestId)
                .setLicenseKey("license")
                .setTaskType("delete_asset")
                .setPayload(DeleteAssetPayload.newBuilder().setAssetId(1).build())
                .setRequestedAt(Instant.parse("2026-12-02T10:00:00Z"))
                .setOrigin(TaskOrigin.newBuilder()
                        .setChannel(TaskChannel.HTTP)
                        .setNodeId("test")
                        .build())
                .build();
    }
}
