package io.dsp.assetapi.asset;

import java.util.Optional;

/** Asset ids as legacy clients send them: a positive integer, as a JSON number or a numeric string. */
final class AssetIds {

    /** Largest integer a JavaScript client holds exactly. */
    static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private AssetIds() {}

    static Optional<Long> parse(Object raw) {
        long id;
        if (raw instanceof Integer || raw instanceof Long) {
            id = ((Number) raw).longValue();
        } else if (raw instanceof String text && text.strip().matches("[0-9]{1,16}")) {
            id = Long.parseLong(text.strip());
        } else {
            return Optional.empty();
        }
        return id > 0 && id <= MAX_SAFE_INTEGER ? Optional.of(id) : Optional.empty();
    }
}
