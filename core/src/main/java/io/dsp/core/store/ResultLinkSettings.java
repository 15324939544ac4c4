package io.dsp.core.store;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Signed result links ({@link ResultLinks}), the same in asset-api and every gateway.
 *
 * @param secret the HMAC key; blank (default) makes no links ({@code result_url} stays null and downloads need the
 *     license's headers). Give it through the environment ({@code DSP_RESULTS_LINKS_SECRET}) or a file; the launcher
 *     generates one under {@code .dsp-data/}
 * @param ttl how long a link works; default 6 h (never past the result's own expiry)
 * @param publicUrl where clients reach asset-api, the base of every link; default {@code http://127.0.0.1:8080}
 */
@Validated
@ConfigurationProperties("dsp.results.links")
public record ResultLinkSettings(
        @NotNull @DefaultValue("") String secret,
        @NotNull @DefaultValue("6h") Duration ttl,
        @NotNull @DefaultValue("http://127.0.0.1:8080") URI publicUrl) {

    @Override
    public String toString() {
        return "ResultLinkSettings[secret=" + (secret.isBlank() ? "" : "***") + ", ttl=" + ttl + ", publicUrl="
                + publicUrl + "]";
    }
}
