package io.dsp.assetapi.asset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class AssetIdPropertiesTest {

    @Property(tries = 3000)
    void anyClientValueParsesToASafePositiveIdOrNothingAndNeverThrows(@ForAll("raw") Object raw) {
        AssetIds.parse(raw).ifPresent(id -> assertThat(id).isBetween(1L, AssetIds.MAX_SAFE_INTEGER));
    }

    @Provide
    Arbitrary<Object> raw() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.strings().ofMaxLength(30).map(s -> (Object) s),
                Arbitraries.strings().numeric().ofMaxLength(25).map(s -> (Object) s),
                Arbitraries.of(List.of(1), Map.of("id", 1), true, "１２３", " 7 ", "-1", "0x10", "1e3"),
                Arbitraries.just(null));
    }
}
