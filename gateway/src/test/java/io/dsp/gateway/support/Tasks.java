package io.dsp.gateway.support;

import io.dsp.schemas.avro.AssetType;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.UploadAssetPayload;
import java.time.Instant;
import java.util.UUID;

/** Tasks as the HTTP edge writes them, with unique ids (the broker is shared by every test in the JVM). */
public final class Tasks {

    private Tasks() {}

    public static TaskRequested deleteAsset(String licenseKey, long assetId) {
        return TaskRequested.newBuilder()
                .setRequestId("del_asset_" + UUID.randomUUID())
                .setLicenseKey(licenseKey)
                .setTaskType("delete_asset")
                .setPayload(DeleteAssetPayload.newBuilder().setAssetId(assetId).build())
                .setPriority(Priority.NORMAL)
                .setRequestedAt(Instant.now())
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "asset-api", null, "pc"))
                .build();
    }

    /** A GPU task of a newer type, with no typed schema: neither staged nor done over the GPU's HTTP API. */
    public static TaskRequested generic(String licenseKey, String taskType, String json) {
        return TaskRequested.newBuilder()
                .setRequestId(taskType + "_" + UUID.randomUUID())
                .setLicenseKey(licenseKey)
                .setTaskType(taskType)
                .setPayload(GenericPayload.newBuilder().setJson(json).build())
                .setPriority(Priority.NORMAL)
                .setRequestedAt(Instant.now())
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "asset-api", null, "pc"))
                .build();
    }

    public static TaskRequested heyGemSubmit(String licenseKey, String audioMd5, String videoMd5) {
        return TaskRequested.newBuilder()
                .setRequestId("heygem_" + UUID.randomUUID())
                .setLicenseKey(licenseKey)
                .setTaskType("heygem_submit")
                .setPayload(HeyGemSubmitPayload.newBuilder()
                        .setAudioHash(audioMd5)
                        .setAudioExt(".wav")
                        .setVideoHash(videoMd5)
                        .setVideoExt(".mp4")
                        .build())
                .setPriority(Priority.NORMAL)
                .setRequestedAt(Instant.now())
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "asset-api", null, "pc"))
                .build();
    }

    public static TaskRequested uploadAsset(String licenseKey, long assetId, String md5, String ext, long size) {
        return TaskRequested.newBuilder()
                .setRequestId("upload_asset_" + UUID.randomUUID())
                .setLicenseKey(licenseKey)
                .setTaskType("upload_asset")
                .setPayload(UploadAssetPayload.newBuilder()
                        .setAssetId(assetId)
                        .setAssetType(AssetType.voice)
                        .setName("my voice")
                        .setFileHash(md5)
                        .setFileExt(ext)
                        .setFileSize(size)
                        .build())
                .setPriority(Priority.NORMAL)
                .setRequestedAt(Instant.now())
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "asset-api", null, "pc"))
                .build();
    }
}
