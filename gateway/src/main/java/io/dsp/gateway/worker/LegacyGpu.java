package io.dsp.gateway.worker;

import io.dsp.core.blob.BlobClient;
import io.dsp.core.heygem.HeyGemServerClient;
import io.dsp.core.heygem.HeyGemServerClient.PoolFile;
import io.dsp.core.store.ResultStore;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.StoredResult;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.UploadAssetPayload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The HeyGem server behind one legacy worker, reached over its own HTTP API: the files a task names are put into its
 * pool before the task is handed over (the apps' files live in asset-api's blob store, not on that GPU), a synthesis
 * it accepted is followed there, and its video is downloaded into the central result store.
 */
final class LegacyGpu {

    static final String HEYGEM_SUBMIT = "heygem_submit";
    static final String UPLOAD_ASSET = "upload_asset";
    static final String DELETE_ASSET = "delete_asset";
    static final String VIDEO_MP4 = "video/mp4";

    private final HeyGemServerClient server;
    private final BlobClient blobs;
    private final ResultStore results;
    private final Path staging;

    LegacyGpu(HeyGemServerClient server, BlobClient blobs, ResultStore results, Path staging) {
        this.server = server;
        this.blobs = blobs;
        this.results = results;
        this.staging = staging;
    }

    /**
     * The key of the GPU's content cache for a synthesis of these inputs, and the GPU's task id of a cache hit:
     * {@code md5(audio_hash + "_" + video_hash)[:16]} (spec 2.9, 4.4).
     */
    static String cacheKey(String audioHash, String videoHash) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5")
                    .digest((audioHash + "_" + videoHash).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    String baseUrl() {
        return server.baseUrl();
    }

    /** Whether a task of this type names files the GPU must hold before it runs. */
    static boolean stages(String taskType) {
        return HEYGEM_SUBMIT.equals(taskType) || UPLOAD_ASSET.equals(taskType);
    }

    /**
     * Puts the task's files into the GPU's pool: {@code check_files}, then {@code upload_file} for what is missing. An
     * {@code upload_asset} is always uploaded, to learn the {@code server_path} its worker reads ({@code file_path} of
     * the legacy payload, set here). A payload that is not the typed one is left to the worker to refuse.
     */
    void stage(TaskRequested task, Map<String, Object> legacyPayload)
            throws HeyGemServerClient.Failure, IOException, InterruptedException {
        if (task.getPayload() instanceof HeyGemSubmitPayload p) {
            server.stage(
                    List.of(
                            new PoolFile(p.getAudioHash(), p.getAudioExt(), "音频文件不存在: "),
                            new PoolFile(p.getVideoHash(), p.getVideoExt(), "视频文件不存在: ")),
                    false,
                    blobs,
                    staging);
        } else if (task.getPayload() instanceof UploadAssetPayload p) {
            Map<String, String> paths = server.stage(
                    List.of(new PoolFile(p.getFileHash(), p.getFileExt(), "文件不存在: ")), true, blobs, staging);
            String path = paths.get(p.getFileHash());
            if (path != null) {
                legacyPayload.put("file_path", path);
            }
        }
    }

    /** Deletes the asset a {@code delete_asset} names over the GPU's HTTP API (idempotent). */
    void deleteAsset(TaskRequested task, DeleteAssetPayload payload)
            throws HeyGemServerClient.Failure, InterruptedException {
        server.deleteAsset(payload.getAssetId(), task.getLicenseKey());
    }

    /**
     * Uploads the asset an {@code upload_asset} names over the GPU's HTTP API, which answers with the row it already has
     * for the same license, type and file (spec 4.5): an upload its worker did before is not stored twice.
     */
    HeyGemServerClient.Asset uploadAsset(TaskRequested task, UploadAssetPayload payload)
            throws HeyGemServerClient.Failure, IOException, InterruptedException {
        return server.uploadAsset(
                new PoolFile(payload.getFileHash(), payload.getFileExt(), "文件不存在: "),
                task.getLicenseKey(),
                payload.getAssetType().name(),
                payload.getName(),
                blobs,
                staging);
    }

    HeyGemServerClient.Progress progress(String gpuTaskId) throws HeyGemServerClient.Failure, InterruptedException {
        return server.progress(gpuTaskId);
    }

    /**
     * Downloads the finished task's video and stores it centrally; the local copy is removed either way.
     *
     * @throws ResultStore.StoreFullException when the store refuses it for lack of space (nothing stored)
     */
    StoredResult fetchResult(String gpuTaskId) throws HeyGemServerClient.Failure, IOException, InterruptedException {
        Files.createDirectories(staging);
        Path video = staging.resolve("result-" + UUID.randomUUID() + ".mp4");
        try {
            server.download(gpuTaskId, video);
            return results.put(video, VIDEO_MP4);
        } finally {
            Files.deleteIfExists(video);
        }
    }
}
