package io.dsp.core.store;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring download links for results: {@code <public-url>/api/heygem/download?task_id=<id>&expires=<epoch
 * s>&sig=<HMAC-SHA256(id + "\n" + expires)>}. Video players and browsers cannot send a Bearer header, so the link
 * itself is the credential: it names one task, ends at {@code expires}, and is checked in constant time. Any gateway
 * or asset-api instance with the same secret can make one; only its owner is ever given it.
 */
public final class ResultLinks {

    /** The legacy download path the apps already use; the signed link is served there. */
    public static final String DOWNLOAD_PATH = "/api/heygem/download";

    private final ResultLinkSettings settings;
    private final Clock clock;

    public ResultLinks(ResultLinkSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Whether links can be made (a secret is configured). */
    public boolean enabled() {
        return !settings.secret().isBlank();
    }

    /** A link to this task's result, valid until the earlier of the link TTL and the result's own expiry. */
    public Optional<String> link(String requestId, Instant resultExpiresAt) {
        if (!enabled()) {
            return Optional.empty();
        }
        Instant linkEnd = clock.instant().plus(settings.ttl());
        long expires = (resultExpiresAt != null && resultExpiresAt.isBefore(linkEnd) ? resultExpiresAt : linkEnd)
                .getEpochSecond();
        String base = settings.publicUrl().toString();
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return Optional.of(base + DOWNLOAD_PATH + "?task_id=" + URLEncoder.encode(requestId, StandardCharsets.UTF_8)
                + "&expires=" + expires + "&sig=" + signature(requestId, expires));
    }

    /** Whether {@code sig} is this secret's signature of the task id and expiry, and the expiry is still ahead. */
    public boolean verify(String requestId, String expires, String sig) {
        if (!enabled() || requestId == null || expires == null || sig == null) {
            return false;
        }
        long at;
        try {
            at = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            return false;
        }
        if (clock.instant().getEpochSecond() > at) {
            return false;
        }
        return MessageDigest.isEqual(
                signature(requestId, at).getBytes(StandardCharsets.US_ASCII), sig.getBytes(StandardCharsets.US_ASCII));
    }

    private String signature(String requestId, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(settings.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] sig = mac.doFinal((requestId + "\n" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
