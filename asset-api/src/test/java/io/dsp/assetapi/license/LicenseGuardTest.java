package io.dsp.assetapi.license;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.assetapi.web.ApiException;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LicenseGuardTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @Test
    void anActiveLicenseInsideItsWindowPasses() {
        assertThatCode(() ->
                        LicenseGuard.check(license(LicenseStatus.ACTIVE, NOW.minusSeconds(1), NOW.plusSeconds(1)), NOW))
                .doesNotThrowAnyException();
    }

    @Test
    void disabledAndExpiredLicensesAreRefusedWithTheLegacyMessages() {
        assertRefused(license(LicenseStatus.DISABLED, null, null), "卡密已禁用");
        assertRefused(license(LicenseStatus.EXPIRED, null, null), "卡密已过期");
        assertRefused(license(LicenseStatus.UNKNOWN, null, null), "卡密状态异常");
    }

    @Test
    void theValidityWindowIsEnforcedAtItsEdges() {
        assertRefused(license(LicenseStatus.ACTIVE, NOW.plusMillis(1), null), "卡密尚未生效");
        assertRefused(license(LicenseStatus.ACTIVE, null, NOW), "卡密已过期");
    }

    private static void assertRefused(License license, String message) {
        assertThatThrownBy(() -> LicenseGuard.check(license, NOW))
                .isInstanceOf(ApiException.class)
                .hasMessage(message);
    }

    private static License license(LicenseStatus status, Instant from, Instant until) {
        return License.newBuilder()
                .setLicenseKey("K")
                .setStatus(status)
                .setValidFrom(from)
                .setValidUntil(until)
                .setUpdatedAt(NOW)
                .build();
    }
}
