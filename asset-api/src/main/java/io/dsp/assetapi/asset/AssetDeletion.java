package io.dsp.assetapi.asset;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.web.ApiException;
import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.avro.DeleteAssetPayload;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Deleting an asset: the payload of its {@code delete_asset} task, checked against the catalogue (another license's
 * asset is refused exactly like a missing one), and its removal from the catalogue once the task is accepted.
 */
@Component
public class AssetDeletion {

    private final ReadModels readModels;
    private final AssetBlobs assetBlobs;

    AssetDeletion(ReadModels readModels, AssetBlobs assetBlobs) {
        this.readModels = readModels;
        this.assetBlobs = assetBlobs;
    }

    /** The payload for deleting {@code rawId} (a JSON number or numeric string); refuses a bad or foreign id. */
    public DeleteAssetPayload payload(AuthenticatedLicense license, Object rawId) {
        long id = AssetIds.parse(rawId).orElseThrow(() -> new ApiException(HttpStatus.BAD_REQUEST, "缺少 id"));
        Optional<AssetRecord> asset = readModels.asset(id);
        if (asset.isPresent() && !asset.get().getLicenseKey().equals(license.licenseKey())) {
            throw new ApiException(HttpStatus.NOT_FOUND, "资产不存在");
        }
        return new DeleteAssetPayload(
                id,
                asset.map(AssetRecord::getFileHash).orElse(null),
                asset.map(AssetRecord::getFileExt).orElse(null));
    }

    /**
     * Takes the asset out of the catalogue (after its delete task was accepted), then its blob from the edge when no
     * other asset references it (the delete task removes the GPU hosts' copies).
     */
    public void removeFromCatalogue(DeleteAssetPayload payload) throws Exception {
        if (payload.getFileHash() != null) {
            assetBlobs.removeFromCatalogue(payload.getAssetId());
            assetBlobs.removeBlobIfUnreferenced(payload.getFileHash(), payload.getAssetId());
        }
    }
}
