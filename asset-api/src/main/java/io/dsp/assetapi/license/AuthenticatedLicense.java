package io.dsp.assetapi.license;

import io.dsp.core.license.LicenseKeys;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The license a request was authenticated with.
 *
 * @param licenseKey the key from {@code Authorization: Bearer}
 * @param machineCode the device fingerprint from {@code X-Machine-Code}
 * @param deviceType {@code pc} (default) or {@code mobile}, from {@code X-Device-Type}
 */
public record AuthenticatedLicense(String licenseKey, String machineCode, String deviceType) {

    private static final String ATTRIBUTE = AuthenticatedLicense.class.getName();

    static void set(HttpServletRequest request, AuthenticatedLicense license) {
        request.setAttribute(ATTRIBUTE, license);
    }

    /** The license of a request that passed the guard. */
    public static AuthenticatedLicense of(HttpServletRequest request) {
        Object license = request.getAttribute(ATTRIBUTE);
        if (license == null) {
            throw new IllegalStateException("Request reached a controller without passing the license guard");
        }
        return (AuthenticatedLicense) license;
    }

    /** The key for logs: enough to tell licenses apart, not enough to use one. */
    public String masked() {
        return LicenseKeys.mask(licenseKey);
    }
}
