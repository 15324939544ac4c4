package io.dsp.gateway.worker;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the bridge reaches the HeyGem server behind each legacy worker over its own HTTP API (legacy protocol, section
 * 4): to put a task's files into its pool before the task is handed over, and to follow and download a synthesis.
 *
 * @param port the server's port on the worker connection's remote address, when {@code servers} names none for it;
 *     default 8383 (the server's default {@code --port})
 * @param servers base URL per remote address of a worker connection (e.g. {@code "10.0.0.5": http://10.0.0.5:9000}), for
 *     a server on another port or host, or behind NAT; default none
 * @param apiSecret the servers' {@code server.api_secret}, sent as {@code Authorization: Bearer}; blank (default) sends
 *     none; set it from the environment ({@code DSP_GATEWAY_LEGACYGPU_APISECRET}), never in a checked-in file
 * @param apiSecretFile a file whose first line is the secret (a mounted secret); used when {@code apiSecret} is blank;
 *     default none
 * @param assetApiUrl asset-api, where the files the apps uploaded are fetched by md5 ({@code /api/v1/blobs}, with
 *     {@code dsp.fleet.token}); default {@code http://127.0.0.1:8080}
 * @param requestTimeout longest wait to connect and for one reply; default 10 s, inside a task lock's renewal so that a
 *     hung server cannot cost the lock
 * @param pollInterval how often a followed synthesis's progress is asked for when no {@code gpu.task.progress} frame
 *     came since; default 2 s (the PC client's rate)
 */
@Validated
@ConfigurationProperties("dsp.gateway.legacy-gpu")
public record LegacyGpuSettings(
        @Min(1) @Max(65535) @DefaultValue("8383") int port,
        @NotNull @DefaultValue Map<String, URI> servers,
        @NotNull @DefaultValue("") String apiSecret,
        Path apiSecretFile,
        @NotNull @DefaultValue("http://127.0.0.1:8080") URI assetApiUrl,
        @NotNull @DefaultValue("10s") Duration requestTimeout,
        @NotNull @DefaultValue("2s") Duration pollInterval) {

    /** The secret to send, from {@code apiSecret} or else {@code apiSecretFile}; blank for none. */
    String secret() {
        if (!apiSecret.isBlank() || apiSecretFile == null) {
            return apiSecret;
        }
        try {
            return Files.readString(apiSecretFile, StandardCharsets.UTF_8)
                    .lines()
                    .findFirst()
                    .orElse("")
                    .strip();
        } catch (IOException e) {
            throw new UncheckedIOException("dsp.gateway.legacy-gpu.api-secret-file unreadable: " + apiSecretFile, e);
        }
    }

    /** The base URL of the server behind a worker connected from {@code remoteAddress}. */
    URI baseUrl(String remoteAddress) {
        URI configured = servers.get(remoteAddress);
        if (configured != null) {
            return configured;
        }
        String host = remoteAddress == null ? "127.0.0.1" : remoteAddress;
        // an IPv6 literal needs brackets in a URL
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }

    /** Never the secret in logs or actuator output. */
    @Override
    public String toString() {
        return "LegacyGpuSettings[port=" + port + ", servers=" + servers + ", apiSecret="
                + (apiSecret.isBlank() ? "" : "***") + ", apiSecretFile=" + apiSecretFile + ", assetApiUrl="
                + assetApiUrl + ", requestTimeout=" + requestTimeout + ", pollInterval=" + pollInterval + "]";
    }
}
