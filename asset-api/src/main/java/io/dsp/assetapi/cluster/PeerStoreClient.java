package io.dsp.assetapi.cluster;

import io.dsp.assetapi.AssetApiSettings;
import io.dsp.assetapi.fleet.FleetSettings;
import io.dsp.assetapi.readmodel.RemoteStores;
import io.dsp.assetapi.web.ApiException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Asks the owning instance for a store value ({@link InternalStoreController}), with the fleet token and a hop header.
 * The owner answers only from its own partitions and never forwards, so a read makes at most one hop.
 */
@Component
class PeerStoreClient implements RemoteStores {

    static final String HOP_HEADER = "X-Dsp-Hop";
    private static final Logger log = LoggerFactory.getLogger(PeerStoreClient.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final FleetSettings fleet;
    private final AssetApiSettings settings;

    PeerStoreClient(FleetSettings fleet, AssetApiSettings settings) {
        this.fleet = fleet;
        this.settings = settings;
    }

    @Override
    public Optional<byte[]> fetch(HostInfo host, String store, String key) {
        if (!fleet.configured()) {
            log.warn("dsp.fleet.token is unset: cannot read {} from the instance at {}", store, host);
            throw unavailable();
        }
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + InternalStoreController.PATH + "/" + store
                + "?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + fleet.token())
                .header(HOP_HEADER, settings.nodeId())
                .GET()
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 200) {
                return Optional.of(response.body());
            }
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            log.warn("instance at {} answered {} for a read of {}", host, response.statusCode(), store);
        } catch (IOException e) {
            log.warn("instance at {} unreachable for a read of {}: {}", host, store, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw unavailable();
    }

    private static ApiException unavailable() {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "服务启动中，请稍后重试");
    }
}
