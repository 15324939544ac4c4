package io.dsp.assetapi.cluster;

import io.dsp.assetapi.AssetApiSettings;
import io.dsp.assetapi.fleet.FleetSettings;
import io.dsp.assetapi.readmodel.RemoteStores;
import io.dsp.assetapi.web.ApiException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.DefaultUriBuilderFactory;

/**
 * Asks the owning instance for a store value ({@link InternalStoreController}), with the fleet token and a hop header.
 * The owner answers only from its own partitions and never forwards, so a read makes at most one hop.
 */
@Component
class PeerStoreClient implements RemoteStores {

    static final String HOP_HEADER = "X-Dsp-Hop";
    private static final Logger log = LoggerFactory.getLogger(PeerStoreClient.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final RestClient http;
    private final FleetSettings fleet;
    private final AssetApiSettings settings;

    PeerStoreClient(FleetSettings fleet, AssetApiSettings settings, RestClient.Builder restClients) {
        this.fleet = fleet;
        this.settings = settings;
        // variables encoded strictly: a key with '&' or '+' must reach the owner as it is
        DefaultUriBuilderFactory uris = new DefaultUriBuilderFactory();
        uris.setEncodingMode(DefaultUriBuilderFactory.EncodingMode.VALUES_ONLY);
        this.http = restClients
                .clone()
                .uriBuilderFactory(uris)
                .requestFactory(ClientHttpRequestFactoryBuilder.jdk()
                        .build(HttpClientSettings.defaults()
                                .withTimeouts(TIMEOUT, TIMEOUT)
                                .withRedirects(HttpRedirects.DONT_FOLLOW)))
                .build();
    }

    @Override
    public Optional<byte[]> fetch(HostInfo host, String store, String key, Map<String, String> options) {
        if (!fleet.configured()) {
            log.warn("dsp.fleet.token is unset: cannot read {} from the instance at {}", store, host);
            throw unavailable();
        }
        StringBuilder uri =
                new StringBuilder("http://{host}:{port}" + InternalStoreController.PATH + "/{store}?key={key}");
        Map<String, Object> variables =
                new HashMap<>(Map.of("host", host.host(), "port", host.port(), "store", store, "key", key));
        // Options as variables too, so they are encoded as strictly as the key; named apart from the fixed ones.
        options.forEach((name, value) -> {
            uri.append('&').append(name).append("={o_").append(name).append('}');
            variables.put("o_" + name, value);
        });
        try {
            Optional<byte[]> value = http.get()
                    .uri(uri.toString(), variables)
                    .header("Authorization", "Bearer " + fleet.token())
                    .header(HOP_HEADER, settings.nodeId())
                    .exchange((request, response) -> {
                        int status = response.getStatusCode().value();
                        if (status == 200) {
                            return Optional.of(response.getBody().readAllBytes());
                        }
                        if (status == 404) {
                            return Optional.<byte[]>empty();
                        }
                        log.warn("instance at {} answered {} for a read of {}", host, status, store);
                        return null;
                    });
            if (value != null) {
                return value;
            }
        } catch (ResourceAccessException e) {
            log.warn("instance at {} unreachable for a read of {}: {}", host, store, e.toString());
        }
        throw unavailable();
    }

    private static ApiException unavailable() {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "服务启动中，请稍后重试");
    }
}
