package io.dsp.gateway.worker;

import io.dsp.core.blob.BlobClient;
import io.dsp.core.heygem.HeyGemServerClient;
import io.dsp.core.store.ResultStore;
import io.dsp.gateway.connection.Connection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link LegacyGpu} of each worker connection, at the base URL the settings give its remote address: one per base
 * URL, kept while the gateway runs, so that a worker that reconnects reuses its HTTP connection pool instead of leaving
 * one behind per connection.
 */
@Component
class LegacyGpus {

    private final LegacyGpuSettings settings;
    private final ResultStore results;
    private final JsonMapper json;
    private final RestClient.Builder restClients;
    private final BlobClient blobs;
    private final Path staging;
    private final String secret;
    private final Map<URI, LegacyGpu> byBaseUrl = new ConcurrentHashMap<>();

    LegacyGpus(
            LegacyGpuSettings settings,
            ResultStore results,
            JsonMapper json,
            RestClient.Builder restClients,
            @Value("${dsp.fleet.token:}") String fleetToken,
            @Value("${dsp.data-dir}") Path dataDir) {
        this.settings = settings;
        this.results = results;
        this.json = json;
        this.restClients = restClients;
        this.blobs = new BlobClient(settings.assetApiUrl(), fleetToken, restClients);
        this.staging = dataDir.resolve("legacy-gpu-staging");
        this.secret = settings.secret(); // read once at start: a missing secret file fails the start, not a task
    }

    LegacyGpu of(Connection connection) {
        return byBaseUrl.computeIfAbsent(
                settings.baseUrl(connection.remoteAddress()),
                url -> new LegacyGpu(
                        new HeyGemServerClient(url, secret, settings.requestTimeout(), json, restClients),
                        blobs,
                        results,
                        staging));
    }

    Duration pollInterval() {
        return settings.pollInterval();
    }
}
