package io.dsp.assetapi.fleet;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Service-to-service settings shared by every DSP service.
 *
 * @param token the fleet token GPU workers send as {@code Authorization: Bearer <token>} to fetch blobs; no default:
 *     while it is unset the worker endpoints refuse every request ({@code ./dsp up} passes a random one)
 */
@ConfigurationProperties("dsp.fleet")
public record FleetSettings(String token) {

    /** Whether this {@code Authorization} header carries the configured token (constant-time compare). */
    public boolean authorises(String authorization) {
        if (token == null || token.isBlank() || authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        return java.security.MessageDigest.isEqual(
                token.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                authorization.substring(7).strip().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public boolean configured() {
        return token != null && !token.isBlank();
    }
}
