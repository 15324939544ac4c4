package io.dsp.assetapi.asset;

import io.dsp.assetapi.AssetApiSettings;
import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.web.ApiException;
import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.topic.Topics;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Deleting an asset: the payload of its {@code delete_asset} task, checked against the catalogue (another license's
 * asset is refused exactly like a missing one), and its removal from the catalogue once the task is accepted.
 */
@Component
public class AssetDeletion {

    private final ReadModels readModels;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final AssetApiSettings settings;

    AssetDeletion(ReadModels readModels, KafkaTemplate<byte[], byte[]> kafka, AssetApiSettings settings) {
        this.readModels = readModels;
        this.kafka = kafka;
        this.settings = settings;
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

    /** Takes the asset out of the catalogue (after its delete task was accepted). */
    public void removeFromCatalogue(DeleteAssetPayload payload) throws Exception {
        if (payload.getFileHash() != null) {
            kafka.send(Topics.ASSETS.record(payload.getAssetId(), null))
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
