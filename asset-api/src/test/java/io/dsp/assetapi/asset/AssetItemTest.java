package io.dsp.assetapi.asset;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.avro.AssetType;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AssetItemTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final Duration TTL = Duration.ofDays(30);

    @Test
    void daysLeftAreWholeDaysRoundedDownAsTheGpuServerCountedThem() {
        assertThat(AssetItem.of(asset(NOW, null), TTL, NOW).daysLeft()).isEqualTo(30);
        assertThat(AssetItem.of(asset(NOW.minusSeconds(1), null), TTL, NOW).daysLeft())
                .isEqualTo(29);
        assertThat(AssetItem.of(asset(NOW.minus(Duration.ofDays(40)), null), TTL, NOW)
                        .daysLeft())
                .isZero();
    }

    @Test
    void anAssetsOwnExpiryWinsOverTheConfiguredLifetime() {
        AssetRecord asset = asset(NOW, NOW.plus(Duration.ofDays(3)));

        assertThat(AssetItem.expiry(asset, TTL)).isEqualTo(NOW.plus(Duration.ofDays(3)));
        assertThat(AssetItem.of(asset, TTL, NOW).daysLeft()).isEqualTo(3);
        assertThat(AssetItem.of(asset, TTL, NOW).createdAt()).isEqualTo(NOW.getEpochSecond());
    }

    private static AssetRecord asset(Instant createdAt, Instant expiresAt) {
        return AssetRecord.newBuilder()
                .setAssetId(7)
                .setLicenseKey("L")
                .setAssetType(AssetType.voice)
                .setName("n")
                .setFileHash("0".repeat(32))
                .setFileExt(".wav")
                .setFileSize(1)
                .setCreatedAt(createdAt)
                .setExpiresAt(expiresAt)
                .build();
    }
}
