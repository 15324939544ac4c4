package io.dsp.core.license;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LicenseValidityTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @Test
    void anActiveLicenseInsideItsWindowOrWithoutOneIsValid() {
        assertThat(LicenseValidity.of(license(LicenseStatus.ACTIVE, NOW.minusSeconds(1), NOW.plusSeconds(1)), NOW))
                .isEqualTo(LicenseValidity.VALID);
        assertThat(LicenseValidity.usable(license(LicenseStatus.ACTIVE, null, null), NOW))
                .isTrue();
    }

    @Test
    void eachStatusButActiveSaysWhy() {
        assertThat(LicenseValidity.of(null, NOW)).isEqualTo(LicenseValidity.UNKNOWN);
        assertThat(LicenseValidity.of(license(LicenseStatus.DISABLED, null, null), NOW))
                .isEqualTo(LicenseValidity.DISABLED);
        assertThat(LicenseValidity.of(license(LicenseStatus.EXPIRED, null, null), NOW))
                .isEqualTo(LicenseValidity.EXPIRED);
        assertThat(LicenseValidity.of(license(LicenseStatus.UNKNOWN, null, null), NOW))
                .isEqualTo(LicenseValidity.NOT_ACTIVE);
        assertThat(LicenseValidity.usable(license(LicenseStatus.DISABLED, null, null), NOW))
                .isFalse();
    }

    @Test
    void theWindowStartsAtValidFromAndEndsBeforeValidUntil() {
        assertThat(LicenseValidity.of(license(LicenseStatus.ACTIVE, NOW.plusMillis(1), null), NOW))
                .isEqualTo(LicenseValidity.NOT_YET_VALID);
        assertThat(LicenseValidity.of(license(LicenseStatus.ACTIVE, NOW, null), NOW))
                .isEqualTo(LicenseValidity.VALID);
        assertThat(LicenseValidity.of(license(LicenseStatus.ACTIVE, null, NOW), NOW))
                .isEqualTo(LicenseValidity.PAST_VALIDITY);
        assertThat(LicenseValidity.of(license(LicenseStatus.ACTIVE, null, NOW.plusMillis(1)), NOW))
                .isEqualTo(LicenseValidity.VALID);
    }

    @Test
    void aDisabledLicenseIsRefusedForItsStatusEvenOutsideItsWindow() {
        assertThat(LicenseValidity.of(license(LicenseStatus.DISABLED, NOW.plusSeconds(1), null), NOW))
                .isEqualTo(LicenseValidity.DISABLED);
    }

    private static License license(LicenseStatus status, Instant from, Instant until) {
        return new License("K", status, from, until, null, NOW);
    }
}
