package io.dsp.assetapi.asset;

import io.dsp.assetapi.AssetApiSettings;
import io.dsp.assetapi.blob.BlobSettings;
import io.dsp.assetapi.blob.BlobStore;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.topic.Topics;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The catalogue's hold on blobs: which blobs live assets reference, which assets have expired, and the removal of an
 * asset (its catalogue entry, then its blob when no other live asset references it). Used by a delete and by the
 * retention sweep, so both remove exactly alike.
 */
@Component
public class AssetBlobs {

    private static final Logger log = LoggerFactory.getLogger(AssetBlobs.class);

    private final ReadModels readModels;
    private final BlobStore blobs;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final AssetSettings assets;
    private final BlobSettings blobSettings;
    private final AssetApiSettings edge;
    private final Clock clock;

    AssetBlobs(
            ReadModels readModels,
            BlobStore blobs,
            KafkaTemplate<byte[], byte[]> kafka,
            AssetSettings assets,
            BlobSettings blobSettings,
            AssetApiSettings edge,
            Clock clock) {
        this.readModels = readModels;
        this.blobs = blobs;
        this.kafka = kafka;
        this.assets = assets;
        this.blobSettings = blobSettings;
        this.edge = edge;
        this.clock = clock;
    }

    /** The md5 of every blob an unexpired asset references at {@code now}. */
    public Set<String> liveHashes(Instant now) {
        return readModels.allAssets().stream()
                .filter(a -> AssetItem.expiry(a, assets.ttl()).isAfter(now))
                .map(AssetRecord::getFileHash)
                .filter(Objects::nonNull)
                .collect(Collectors.toSet());
    }

    /** Catalogue entries whose expiry (their own, else creation plus the configured lifetime) is not after {@code now}. */
    public List<AssetRecord> expired(Instant now) {
        return readModels.allAssets().stream()
                .filter(a -> !AssetItem.expiry(a, assets.ttl()).isAfter(now))
                .toList();
    }

    /** Writes the asset's tombstone (what a delete writes) and waits for Kafka's acknowledgement. */
    public void removeFromCatalogue(long assetId) throws Exception {
        kafka.send(Topics.ASSETS.record(assetId, null)).get(edge.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Removes the blob of a just-removed asset when no other live asset references it and nobody used it within the
     * delete grace (a concurrent upload of the same content touches it before its asset is published). The asset
     * itself is excluded by id: the catalogue view may not have applied its tombstone yet. A failure is logged, never
     * thrown: the asset is gone either way, and the sweep removes the blob later.
     *
     * @return whether the blob was removed
     */
    public boolean removeBlobIfUnreferenced(String md5, long removedAssetId) {
        if (md5 == null) {
            return false;
        }
        Instant now = clock.instant();
        boolean referenced = readModels.allAssets().stream()
                .anyMatch(a -> a.getAssetId() != removedAssetId
                        && md5.equals(a.getFileHash())
                        && AssetItem.expiry(a, assets.ttl()).isAfter(now));
        if (referenced) {
            return false;
        }
        try {
            boolean removed = blobs.removeIfUnusedSince(md5, now.minus(blobSettings.deleteGrace()));
            if (removed) {
                log.info("blob removed with its asset: md5={} asset={}", md5, removedAssetId);
            }
            return removed;
        } catch (IOException | RuntimeException e) {
            log.warn("blob of removed asset {} not removed (left to the retention sweep): {}", removedAssetId, md5, e);
            return false;
        }
    }
}
