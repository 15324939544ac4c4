package io.dsp.gpuconsumer.support;

import io.dsp.schemas.avro.AssetType;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.UploadAssetPayload;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Tasks as the dispatcher releases them to {@code dsp.dispatch}. */
public final class TestTasks {

    private TestTasks() {}

    public static String newRequestId() {
        return "req-" + UUID.randomUUID();
    }

    public static TaskRequested deleteAsset(String licenseKey, long assetId) {
        return task(
                licenseKey,
                "delete_asset",
                DeleteAssetPayload.newBuilder().setAssetId(assetId).build());
    }

    public static TaskRequested uploadAsset(String licenseKey, long assetId, String md5, String ext) {
        return task(
                licenseKey,
                "upload_asset",
                UploadAssetPayload.newBuilder()
                        .setAssetId(assetId)
                        .setAssetType(AssetType.voice)
                        .setName("我的声音")
                        .setFileHash(md5)
                        .setFileExt(ext)
                        .setFileSize(4)
                        .build());
    }

    public static TaskRequested heyGemSubmit(String licenseKey, String audioMd5, String videoMd5) {
        return task(
                licenseKey,
                "heygem_submit",
                HeyGemSubmitPayload.newBuilder()
                        .setAudioHash(audioMd5)
                        .setVideoHash(videoMd5)
                        .build());
    }

    /** A task of any type, with the legacy payload as JSON text. */
    public static TaskRequested generic(String licenseKey, String taskType) {
        return task(
                licenseKey, taskType, GenericPayload.newBuilder().setJson("{}").build());
    }

    private static TaskRequested task(String licenseKey, String taskType, Object payload) {
        return TaskRequested.newBuilder()
                .setRequestId(newRequestId())
                .setLicenseKey(licenseKey)
                .setTaskType(taskType)
                .setPayload(payload)
                .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setOrigin(TaskOrigin.newBuilder()
                        .setChannel(TaskChannel.HTTP)
                        .setNodeId("test")
                        .build())
                .build();
    }
}
