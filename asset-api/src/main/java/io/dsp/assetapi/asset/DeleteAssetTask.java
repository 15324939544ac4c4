package io.dsp.assetapi.asset;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.task.TypedTask;
import io.dsp.schemas.avro.DeleteAssetPayload;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code delete_asset} over {@code POST /api/v1/tasks}: as the legacy delete call, the asset is checked against the
 * catalogue and leaves it once the task is accepted.
 */
@Component
class DeleteAssetTask extends TypedTask {

    private final AssetDeletion deletion;

    DeleteAssetTask(AssetDeletion deletion) {
        super("delete_asset", "del_asset_");
        this.deletion = deletion;
    }

    @Override
    public Object payload(AuthenticatedLicense license, Map<String, Object> payload) {
        return deletion.payload(license, payload.get("id"));
    }

    @Override
    public void accepted(Object payload) throws Exception {
        deletion.removeFromCatalogue((DeleteAssetPayload) payload);
    }
}
