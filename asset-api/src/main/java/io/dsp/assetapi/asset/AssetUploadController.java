package io.dsp.assetapi.asset;

import io.dsp.assetapi.AssetApiSettings;
import io.dsp.assetapi.blob.BlobStore;
import io.dsp.assetapi.blob.Extensions;
import io.dsp.assetapi.fleet.FleetStatus;
import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.task.TaskIntake;
import io.dsp.assetapi.web.ApiException;
import io.dsp.assetapi.web.ApiResponse;
import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.avro.AssetType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.UploadAssetPayload;
import io.dsp.schemas.topic.Topics;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /api/asset/upload} (and {@code /api/dsp/asset/upload}), multipart {@code file}, {@code asset_type},
 * {@code name}: the file goes into the blob store, the asset into the catalogue ({@code dsp.assets}) at once, and an
 * {@code upload_asset} task installs it on the GPU hosts, now or when one comes online. Uploading the same content of
 * the same type again while the first is unexpired answers the existing asset, as the GPU server did.
 */
@RestController
class AssetUploadController {

    private static final Logger log = LoggerFactory.getLogger(AssetUploadController.class);
    static final String QUEUED_MESSAGE = "GPU 服务器未上线，上传任务已排队，服务器启动后自动处理（约2分钟）";
    static final int MAX_NAME_LENGTH = 100;

    private final BlobStore blobs;
    private final AssetIdSequence ids;
    private final TaskIntake intake;
    private final FleetStatus fleet;
    private final ReadModels readModels;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final AssetSettings settings;
    private final AssetApiSettings edge;
    private final Clock clock;

    AssetUploadController(
            BlobStore blobs,
            AssetIdSequence ids,
            TaskIntake intake,
            FleetStatus fleet,
            ReadModels readModels,
            KafkaTemplate<byte[], byte[]> kafka,
            AssetSettings settings,
            AssetApiSettings edge,
            Clock clock) {
        this.blobs = blobs;
        this.ids = ids;
        this.intake = intake;
        this.fleet = fleet;
        this.readModels = readModels;
        this.kafka = kafka;
        this.settings = settings;
        this.edge = edge;
        this.clock = clock;
    }

    @PostMapping({"/api/asset/upload", "/api/dsp/asset/upload"})
    ApiResponse upload(
            @RequestParam(value = "file", required = false) MultipartFile file,
            @RequestParam(value = "asset_type", required = false) String assetType,
            @RequestParam(value = "name", required = false) String name,
            HttpServletRequest request)
            throws Exception {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        // Every check before anything is written.
        if (file == null || file.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "缺少 file");
        }
        if (assetType == null || assetType.isBlank()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "缺少 asset_type 或 name 参数");
        }
        AssetType type = AssetTypes.parse(assetType);
        String displayName = displayName(name, file.getOriginalFilename());
        if (file.getSize() > blobs.maxBytes()) {
            throw BlobStore.tooLarge(blobs.maxBytes());
        }
        String ext = Extensions.normalise(null, file.getOriginalFilename());
        blobs.requireRoomFor(file.getSize());

        BlobStore.Blob blob;
        try {
            blob = blobs.put(file.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant now = clock.instant();
        Optional<AssetRecord> existing = readModels.assetsOf(license.licenseKey()).stream()
                .filter(a -> a.getAssetType() == type
                        && a.getFileHash().equals(blob.md5())
                        && a.getFileExt().equals(ext)
                        && AssetItem.expiry(a, settings.ttl()).isAfter(now))
                .max(Comparator.comparing(AssetRecord::getCreatedAt));
        if (existing.isPresent()) {
            Map<String, Object> data = describe(existing.get(), displayName);
            data.put("deduplicated", true);
            return ApiResponse.ok("上传成功", data);
        }

        AssetRecord asset = AssetRecord.newBuilder()
                .setAssetId(ids.next())
                .setLicenseKey(license.licenseKey())
                .setAssetType(type)
                .setName(displayName)
                .setFileHash(blob.md5())
                .setFileExt(ext)
                .setFileSize(blob.size())
                .setCreatedAt(now)
                .setExpiresAt(now.plus(settings.ttl()))
                .build();
        long timeout = edge.sendTimeout().toMillis();
        kafka.send(Topics.ASSETS.record(asset.getAssetId(), asset)).get(timeout, TimeUnit.MILLISECONDS);
        boolean online = fleet.anyWorkerOnline();
        UploadAssetPayload payload = new UploadAssetPayload(
                asset.getAssetId(), type, displayName, blob.md5(), ext, blob.size(), file.getOriginalFilename());
        TaskRequested task;
        try {
            task = intake.submit(license, "upload_asset", payload, "upload_asset_", online);
        } catch (RuntimeException e) {
            // No task, so no asset either: the client's retry starts clean.
            kafka.send(Topics.ASSETS.record(asset.getAssetId(), null));
            throw e;
        }
        log.info(
                "asset uploaded id={} type={} size={} license={}",
                asset.getAssetId(),
                type,
                blob.size(),
                license.masked());
        Map<String, Object> data = describe(asset, displayName);
        data.put("request_id", task.getRequestId());
        if (online) {
            return ApiResponse.ok("上传成功", data);
        }
        Map<String, Object> queued = new LinkedHashMap<>();
        queued.put("queued", true);
        queued.put("request_id", task.getRequestId());
        queued.put("msg", QUEUED_MESSAGE);
        queued.putAll(data);
        return ApiResponse.ok("已排队", queued);
    }

    private static String displayName(String name, String filename) {
        String chosen = name;
        if ((chosen == null || chosen.isBlank()) && filename != null) {
            int dot = filename.lastIndexOf('.');
            chosen = dot > 0 ? filename.substring(0, dot) : filename;
        }
        if (chosen == null || chosen.isBlank()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "缺少 asset_type 或 name 参数");
        }
        chosen = chosen.strip();
        if (chosen.length() > MAX_NAME_LENGTH) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "name 不能超过 " + MAX_NAME_LENGTH + " 个字符");
        }
        return chosen;
    }

    private static Map<String, Object> describe(AssetRecord asset, String name) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", asset.getAssetId());
        data.put("name", name);
        data.put("asset_type", asset.getAssetType().name());
        data.put("file_hash", asset.getFileHash());
        data.put("file_ext", asset.getFileExt());
        data.put("file_size", asset.getFileSize());
        return data;
    }
}
