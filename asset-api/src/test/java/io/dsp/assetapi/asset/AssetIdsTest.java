package io.dsp.assetapi.asset;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AssetIdsTest {

    @Test
    void positiveIntegersAndNumericStringsAreIds() {
        assertThat(AssetIds.parse(123)).contains(123L);
        assertThat(AssetIds.parse(123L)).contains(123L);
        assertThat(AssetIds.parse(" 42 ")).contains(42L);
        assertThat(AssetIds.parse(AssetIds.MAX_SAFE_INTEGER)).contains(AssetIds.MAX_SAFE_INTEGER);
    }

    @Test
    void everythingElseIsRefused() {
        assertThat(AssetIds.parse(null)).isEmpty();
        assertThat(AssetIds.parse(0)).isEmpty();
        assertThat(AssetIds.parse(-1)).isEmpty();
        assertThat(AssetIds.parse(1.5)).isEmpty();
        assertThat(AssetIds.parse("abc")).isEmpty();
        assertThat(AssetIds.parse("1e3")).isEmpty();
        assertThat(AssetIds.parse(true)).isEmpty();
        assertThat(AssetIds.parse(AssetIds.MAX_SAFE_INTEGER + 1)).isEmpty();
        assertThat(AssetIds.parse("99999999999999999")).isEmpty();
    }
}
