package io.dsp.core.license;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LicenseKeysTest {

    @Test
    void aKeyIsShownByItsFirstThreeAndLastTwoCharactersOnly() {
        assertThat(LicenseKeys.mask("LIC-1234-ABCD")).isEqualTo("LIC***CD");
        assertThat(LicenseKeys.mask("DSP-ABCD-1234")).isEqualTo("DSP***34");
        assertThat(LicenseKeys.mask("ABCDEFGHIJ")).isEqualTo("ABC***IJ");
    }

    @Test
    void shortKeysAreHiddenWholeAndAMissingKeyIsADash() {
        assertThat(LicenseKeys.mask("short")).isEqualTo("***");
        assertThat(LicenseKeys.mask("ABCDEF")).isEqualTo("***");
        assertThat(LicenseKeys.mask("")).isEqualTo("***");
        assertThat(LicenseKeys.mask(null)).isEqualTo("-");
    }

    @Test
    void everyOccurrenceOfTheKeyInTextIsMasked() {
        assertThat(LicenseKeys.maskIn("ABCDEFGHIJ and ABCDEFGHIJ", "ABCDEFGHIJ"))
                .isEqualTo("ABC***IJ and ABC***IJ");
        assertThat(LicenseKeys.maskIn(null, "ABCDEFGHIJ")).isNull();
        assertThat(LicenseKeys.maskIn("no key here", null)).isEqualTo("no key here");
    }

    @Test
    void theHashIsStableHexAndDiffersBetweenKeys() {
        assertThat(LicenseKeys.hash("LIC-A"))
                .isEqualTo(LicenseKeys.hash("LIC-A"))
                .matches("[0-9a-f]{24}");
        assertThat(LicenseKeys.hash("LIC-A")).isNotEqualTo(LicenseKeys.hash("LIC-B"));
        // SHA-256("abc"), first 12 bytes: the key format Redis counters of every edge share.
        assertThat(LicenseKeys.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de");
    }
}
