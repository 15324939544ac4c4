package io.dsp.core.license;

import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import java.time.Instant;

/**
 * Whether a license may be used at an instant, and if not why: it must exist, be {@code ACTIVE} and be inside its
 * validity window, which starts at {@code validFrom} (inclusive) and ends at {@code validUntil} (exclusive); an absent
 * bound is open. The rule every edge applies (asset-api's guard, the gateway's registration).
 */
public enum LicenseValidity {
    /** Usable now. */
    VALID,
    /** No such license. */
    UNKNOWN,
    /** Status {@code DISABLED}. */
    DISABLED,
    /** Status {@code EXPIRED}. */
    EXPIRED,
    /** Any other status that is not {@code ACTIVE}. */
    NOT_ACTIVE,
    /** Active, but its window has not started. */
    NOT_YET_VALID,
    /** Active, but its window has ended. */
    PAST_VALIDITY;

    /** The verdict on this license ({@code null}: none) at this instant; the status is checked before the window. */
    public static LicenseValidity of(License license, Instant now) {
        if (license == null) {
            return UNKNOWN;
        }
        if (license.getStatus() != LicenseStatus.ACTIVE) {
            return switch (license.getStatus()) {
                case DISABLED -> DISABLED;
                case EXPIRED -> EXPIRED;
                default -> NOT_ACTIVE;
            };
        }
        if (license.getValidFrom() != null && now.isBefore(license.getValidFrom())) {
            return NOT_YET_VALID;
        }
        if (license.getValidUntil() != null && !now.isBefore(license.getValidUntil())) {
            return PAST_VALIDITY;
        }
        return VALID;
    }

    /** Whether this license may be used at this instant. */
    public static boolean usable(License license, Instant now) {
        return of(license, now) == VALID;
    }
}
