package io.dsp.core.license;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * License keys where they are not the credential itself: masked in logs, metric tags, the console and command output,
 * hashed in the names of shared counters. A whole key lets anyone use the license, so it appears in neither.
 */
public final class LicenseKeys {

    /**
     * A missing key ({@code null}) is shown as {@code -}: a log line or a board cell then says "none" visibly, and a
     * metric tag, which cannot be null, still gets a value.
     */
    public static final String MISSING = "-";

    private LicenseKeys() {}

    /**
     * {@code abc***yz}: enough to tell licenses apart, not enough to use one. The first three and last two characters;
     * {@code ***} for a key of six or fewer (it would show most of itself); {@value #MISSING} for {@code null}.
     */
    public static String mask(String licenseKey) {
        if (licenseKey == null) {
            return MISSING;
        }
        if (licenseKey.length() <= 6) {
            return "***";
        }
        return licenseKey.substring(0, 3) + "***" + licenseKey.substring(licenseKey.length() - 2);
    }

    /** Free text (an error message) with every occurrence of the key replaced by its mask. */
    public static String maskIn(String text, String licenseKey) {
        if (text == null || licenseKey == null || licenseKey.isEmpty()) {
            return text;
        }
        return text.replace(licenseKey, mask(licenseKey));
    }

    /**
     * The key in the name of a shared counter (Redis): the first 12 bytes of its SHA-256 in lower-case hex, so
     * counters of different licenses do not meet and the key cannot be read back from the name.
     */
    public static String hash(String licenseKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(licenseKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
