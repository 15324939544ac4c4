package io.dsp.console.board;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MaskedTest {

    @Test
    void keepsTheFirstThreeAndLastTwoCharacters() {
        assertThat(Masked.licenseKey("ABCDEFGHIJ")).isEqualTo("ABC***IJ");
    }

    @Test
    void hidesShortKeysWhole() {
        assertThat(Masked.licenseKey("ABCDEF")).isEqualTo("***");
        assertThat(Masked.licenseKey("")).isEqualTo("***");
    }

    @Test
    void masksEveryOccurrenceOfTheKeyInText() {
        assertThat(Masked.text("ABCDEFGHIJ and ABCDEFGHIJ", "ABCDEFGHIJ")).isEqualTo("ABC***IJ and ABC***IJ");
        assertThat(Masked.text(null, "ABCDEFGHIJ")).isNull();
    }
}
