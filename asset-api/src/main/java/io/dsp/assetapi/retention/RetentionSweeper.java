package io.dsp.assetapi.retention;

import io.dsp.assetapi.asset.AssetBlobs;
import io.dsp.assetapi.blob.BlobStore;
import io.dsp.core.store.ResultStore;
import io.dsp.schemas.avro.AssetRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Removes what has expired, as the GPU server's cleanup loop did: assets past their expiry (the tombstone a delete
 * writes), blobs no live asset references and nobody used within the staged TTL (an expired asset's blob included),
 * and results whose lifetime in the {@link ResultStore} passed. Each part runs on its own: a catalogue that cannot be
 * read stops the asset and blob parts (never guess which blobs are unreferenced) but not the result part.
 *
 * <p>Several instances may sweep the same volume and catalogue at once: a second tombstone is harmless, and blob and
 * result removals of what is already gone are no error.
 */
@Component
public class RetentionSweeper {

    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

    /** Files and entries the sweep removed, tagged by {@link #TAG_KIND}. */
    public static final String REMOVED = "dsp.retention.removed";
    /** What was removed: {@code asset} (catalogue entry), {@code blob} or {@code result}. */
    public static final String TAG_KIND = "kind";

    private final AssetBlobs assets;
    private final BlobStore blobs;
    private final ResultStore results;
    private final RetentionSettings settings;
    private final Clock clock;
    private final Counter assetsRemoved;
    private final Counter blobsRemoved;
    private final Counter resultsRemoved;

    RetentionSweeper(
            AssetBlobs assets,
            BlobStore blobs,
            ResultStore results,
            RetentionSettings settings,
            Clock clock,
            MeterRegistry registry) {
        this.assets = assets;
        this.blobs = blobs;
        this.results = results;
        this.settings = settings;
        this.clock = clock;
        this.assetsRemoved = counter(registry, "asset");
        this.blobsRemoved = counter(registry, "blob");
        this.resultsRemoved = counter(registry, "result");
    }

    private static Counter counter(MeterRegistry registry, String kind) {
        return Counter.builder(REMOVED)
                .description("Expired assets, blobs and results removed by the retention sweep")
                .tag(TAG_KIND, kind)
                .register(registry);
    }

    /** What one sweep removed. */
    public record Sweep(int assets, int blobs, int results) {}

    /** One sweep at the clock's present. */
    public Sweep sweep() {
        return sweep(clock.instant());
    }

    /** One sweep as of {@code now}. */
    public Sweep sweep(Instant now) {
        long started = System.nanoTime();
        int assetCount = 0;
        int blobCount = 0;
        try {
            assetCount = expireAssets(now);
            blobCount = removeUnusedBlobs(now);
        } catch (Exception e) {
            log.warn("retention sweep of assets and blobs stopped; the next sweep retries", e);
        }
        int resultCount = 0;
        try {
            resultCount = removeExpiredResults(now);
        } catch (Exception e) {
            log.warn("retention sweep of results ({}) stopped; the next sweep retries", results.describe(), e);
        }
        Sweep sweep = new Sweep(assetCount, blobCount, resultCount);
        log.info(
                "retention sweep removed assets={} blobs={} results={} in {} ms",
                sweep.assets(),
                sweep.blobs(),
                sweep.results(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        return sweep;
    }

    private int expireAssets(Instant now) throws Exception {
        int removed = 0;
        for (AssetRecord asset : assets.expired(now)) {
            assets.removeFromCatalogue(asset.getAssetId());
            assetsRemoved.increment();
            removed++;
            log.info(
                    "asset expired id={} type={} md5={}",
                    asset.getAssetId(),
                    asset.getAssetType(),
                    asset.getFileHash());
        }
        return removed;
    }

    private int removeUnusedBlobs(Instant now) throws Exception {
        // Read before listing: a blob uploaded for a new asset after this point is younger than the cutoff anyway.
        Set<String> live = assets.liveHashes(now);
        Instant cutoff = now.minus(settings.stagedTtl());
        int removed = 0;
        for (BlobStore.StoredBlob blob : blobs.list()) {
            if (!live.contains(blob.md5())
                    && blob.lastUsed().isBefore(cutoff)
                    && blobs.removeIfUnusedSince(blob.md5(), cutoff)) {
                blobsRemoved.increment();
                removed++;
            }
        }
        return removed;
    }

    private int removeExpiredResults(Instant now) throws Exception {
        int removed = 0;
        for (ResultStore.StoredObject object : results.list()) {
            if (!results.expiresAt(object.lastModified()).isAfter(now) && results.delete(object.sha256())) {
                resultsRemoved.increment();
                removed++;
            }
        }
        return removed;
    }
}
