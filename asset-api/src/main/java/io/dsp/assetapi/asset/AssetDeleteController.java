package io.dsp.assetapi.asset;

import io.dsp.assetapi.fleet.FleetStatus;
import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.task.TaskIntake;
import io.dsp.assetapi.web.ApiResponse;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.TaskRequested;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
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
    private final AssetDeletion deletion;

    AssetDeleteController(TaskIntake intake, FleetStatus fleet, AssetDeletion deletion) {
        this.intake = intake;
        this.fleet = fleet;
        this.deletion = deletion;
    }

    @PostMapping({"/api/asset/delete", "/api/dsp/asset/delete"})
    ApiResponse delete(@RequestBody Map<String, Object> body, HttpServletRequest request) throws Exception {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        DeleteAssetPayload payload = deletion.payload(license, body.get("id"));
        boolean online = fleet.anyWorkerOnline();
        TaskRequested task = intake.submit(license, "delete_asset", payload, "del_asset_", online);
        deletion.removeFromCatalogue(payload);
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
