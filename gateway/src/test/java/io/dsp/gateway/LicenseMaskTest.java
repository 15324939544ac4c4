package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LicenseMaskTest {

    @Test
    void aKeyIsShownByItsFirstThreeAndLastTwoCharactersOnly() {
        assertThat(LicenseMask.mask("LIC-1234-ABCD")).isEqualTo("LIC***CD");
        assertThat(LicenseMask.mask("short")).isEqualTo("***");
        assertThat(LicenseMask.mask(null)).isEqualTo("-");
    }
}
