package io.dsp.core.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Request ids that a client chose, scoped to its license (ADR 015). Inside the system such a task's id is
 * {@code c<tag>-<client id>}, where {@code tag} is 16 hex digits of a SHA-256 of the license key: dedupe, the ledger,
 * task status, cancellation, results and events all key by it, so an id one license chose can never name, suppress or
 * collide with another license's task. The client keeps seeing its own id: every edge shows a task's id through
 * {@link #shown}, which strips the prefix only for the license that owns it.
 *
 * <p>Ids the system generates ({@code gt_…}, {@code heygem_…}, {@code v1_…}) are unique already and stay as they are.
 * Tasks recorded before this rule keep their raw ids; lookups by a client id try the scoped id first, then the raw one
 * (which must belong to the asking license).
 */
public final class ClientRequestIds {

    private static final String PREFIX = "c";
    private static final int TAG_HEX = 16;

    private ClientRequestIds() {}

    /** The id inside the system of a task whose client chose {@code clientId}. */
    public static String scoped(String licenseKey, String clientId) {
        return prefix(licenseKey) + clientId;
    }

    /** The id to show this license's client for a task's id: its own choice when it chose one, else the id itself. */
    public static String shown(String licenseKey, String requestId) {
        if (requestId == null || licenseKey == null || !requestId.startsWith(PREFIX)) {
            return requestId;
        }
        String prefix = prefix(licenseKey);
        return requestId.startsWith(prefix) ? requestId.substring(prefix.length()) : requestId;
    }

    private static String prefix(String licenseKey) {
        return PREFIX + tag(licenseKey) + "-";
    }

    static String tag(String licenseKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("dsp-request-scope\n" + licenseKey).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, TAG_HEX / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
