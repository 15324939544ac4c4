package io.dsp.assetapi.asset;

import io.dsp.assetapi.web.ApiException;
import io.dsp.schemas.avro.AssetType;
import org.springframework.http.HttpStatus;

/** {@code asset_type} as clients send it: exactly {@code voice} or {@code avatar}. */
final class AssetTypes {

    static final String INVALID = "asset_type 必须为 voice 或 avatar";

    private AssetTypes() {}

    static AssetType parse(String text) {
        return switch (text.strip()) {
            case "voice" -> AssetType.voice;
            case "avatar" -> AssetType.avatar;
            default -> throw new ApiException(HttpStatus.BAD_REQUEST, INVALID);
        };
    }
}
