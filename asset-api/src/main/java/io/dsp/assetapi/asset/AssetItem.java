package io.dsp.assetapi.asset;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dsp.schemas.avro.AssetRecord;
import java.time.Duration;
import java.time.Instant;

/**
 * One asset as the legacy list shows it: {@code created_at} in unix seconds and whole {@code days_left}.
 *
 * @param id numeric asset id
 */
record AssetItem(
        long id,
        @JsonProperty("asset_type") String assetType,
        String name,
        @JsonProperty("file_hash") String fileHash,
        @JsonProperty("file_ext") String fileExt,
        @JsonProperty("file_size") long fileSize,
        @JsonProperty("created_at") long createdAt,
        @JsonProperty("days_left") long daysLeft) {

    /** When an asset expires: its own {@code expiresAt}, else its creation plus the configured lifetime. */
    static Instant expiry(AssetRecord asset, Duration ttl) {
        return asset.getExpiresAt() != null
                ? asset.getExpiresAt()
                : asset.getCreatedAt().plus(ttl);
    }

    static AssetItem of(AssetRecord asset, Duration ttl, Instant now) {
        long secondsLeft = Duration.between(now, expiry(asset, ttl)).toSeconds();
        return new AssetItem(
                asset.getAssetId(),
                asset.getAssetType().name(),
                asset.getName(),
                asset.getFileHash(),
                asset.getFileExt(),
                asset.getFileSize(),
                asset.getCreatedAt().getEpochSecond(),
                Math.max(0, secondsLeft / 86_400));
    }
}
