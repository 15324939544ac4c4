package io.dsp.assetapi.asset;

import io.dsp.assetapi.fleet.FleetStatus;
import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.task.TaskIntake;
import io.dsp.assetapi.web.ApiException;
import io.dsp.assetapi.web.ApiResponse;
import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Topics;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/asset/delete} (and {@code /api/dsp/asset/delete}) with {@code {"id":123}}: the asset leaves the
 * catalogue at once and a {@code delete_asset} task removes its file from the GPU hosts, now or when one comes online.
 */
@RestController
class AssetDeleteController {

    static final String QUEUED_MESSAGE = "GPU服务器未上线，删除任务已排队，服务器启动后自动执行（约2分钟）";

    private final TaskIntake intake;
    private final FleetStatus fleet;
    private final ReadModels readModels;
    private final KafkaTemplate<byte[], byte[]> kafka;

    AssetDeleteController(
            TaskIntake intake, FleetStatus fleet, ReadModels readModels, KafkaTemplate<byte[], byte[]> kafka) {
        this.intake = intake;
        this.fleet = fleet;
        this.readModels = readModels;
        this.kafka = kafka;
    }

    @PostMapping({"/api/asset/delete", "/api/dsp/asset/delete"})
    ApiResponse delete(@RequestBody Map<String, Object> body, HttpServletRequest request) throws Exception {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        long id = AssetIds.parse(body.get("id")).orElseThrow(() -> new ApiException(HttpStatus.BAD_REQUEST, "缺少 id"));
        Optional<AssetRecord> asset = readModels.asset(id);
        if (asset.isPresent() && !asset.get().getLicenseKey().equals(license.licenseKey())) {
            // Another license's asset: refuse exactly as for an unknown one, and touch nothing.
            throw new ApiException(HttpStatus.NOT_FOUND, "资产不存在");
        }
        boolean online = fleet.anyWorkerOnline();
        DeleteAssetPayload payload = new DeleteAssetPayload(
                id,
                asset.map(AssetRecord::getFileHash).orElse(null),
                asset.map(AssetRecord::getFileExt).orElse(null));
        TaskRequested task = intake.submit(license, "delete_asset", payload, "del_asset_", online);
        if (asset.isPresent()) {
            kafka.send(Topics.ASSETS.record(id, null)).get(10, TimeUnit.SECONDS);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (online) {
            data.put("request_id", task.getRequestId());
            return ApiResponse.ok("已删除", data);
        }
        data.put("queued", true);
        data.put("request_id", task.getRequestId());
        data.put("msg", QUEUED_MESSAGE);
        return ApiResponse.ok("已排队", data);
    }
}
