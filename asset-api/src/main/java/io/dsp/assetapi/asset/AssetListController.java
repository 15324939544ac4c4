package io.dsp.assetapi.asset;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.web.ApiResponse;
import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.avro.AssetType;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/asset/list?asset_type=voice} (and {@code /api/dsp/asset/list}): the caller's unexpired assets,
 * newest first, answered from the catalogue read model, so it works with every GPU off.
 */
@RestController
class AssetListController {

    private final ReadModels readModels;
    private final AssetSettings settings;
    private final Clock clock;

    AssetListController(ReadModels readModels, AssetSettings settings, Clock clock) {
        this.readModels = readModels;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping({"/api/asset/list", "/api/dsp/asset/list"})
    ApiResponse list(
            @RequestParam(value = "asset_type", required = false) String assetType, HttpServletRequest request) {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        AssetType type = assetType == null || assetType.isBlank() ? null : AssetTypes.parse(assetType);
        Instant now = clock.instant();
        List<AssetItem> items = readModels.assetsOf(license.licenseKey()).stream()
                .filter(a -> type == null || a.getAssetType() == type)
                .filter(a -> AssetItem.expiry(a, settings.ttl()).isAfter(now))
                .sorted(Comparator.comparing(AssetRecord::getCreatedAt)
                        .thenComparing(AssetRecord::getAssetId)
                        .reversed())
                .map(a -> AssetItem.of(a, settings.ttl(), now))
                .toList();
        return ApiResponse.ok("ok", items);
    }
}
