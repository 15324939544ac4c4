package io.dsp.core.license;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class MaskPropertiesTest {

    @Property(tries = 3000)
    void aMaskedKeyNeverContainsTheKeyAndShowsAtMostFiveOfItsCharacters(@ForAll("keys") String key) {
        String masked = LicenseKeys.mask(key);

        assertThat(masked).doesNotContain(key);
        assertThat(masked.replace("***", "").length()).isLessThanOrEqualTo(5);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.oneOf(
                Arbitraries.strings()
                        .alpha()
                        .numeric()
                        .withChars("-_")
                        .ofMinLength(1)
                        .ofMaxLength(80),
                Arbitraries.strings()
                        .withCharRange('\u4e00', '\u4eff')
                        .ofMinLength(1)
                        .ofMaxLength(20));
    }
}
