package io.dsp.systemtests.synthesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.AssetApiApplication;
import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.gateway.GatewayApplication;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.LegacySocket;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.Services;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The services a synthesis crosses, in this JVM against the test broker: asset-api (the apps' HTTP, downloads),
 * dispatcher, gateway (the apps' WebSocket, the legacy bridge), all sharing one fleet token and one result-link
 * secret, with asset-api on a port chosen up front so that links name it.
 */
final class SynthesisStack implements AutoCloseable {

    static final String FLEET_TOKEN = "fleet-" + UUID.randomUUID();
    static final String LINK_SECRET = "links-" + UUID.randomUUID();

    private final List<ConfigurableApplicationContext> started = new ArrayList<>();
    private final int apiPort = freePort();
    private final ConfigurableApplicationContext gateway;

    SynthesisStack() {
        this(Map.of());
    }

    /** With the gateway's own settings (the legacy bridge's). */
    SynthesisStack(Map<String, Object> gatewaySettings) {
        // several syntheses of one license at once (the legacy cap is one per license and type)
        start(
                AssetApiApplication.builder(),
                Map.of("server.port", apiPort, "dsp.asset-api.limits.in-flight[heygem_submit]", 20));
        start(DispatcherApplication.builder(), Map.of());
        Map<String, Object> bridge = new HashMap<>(gatewaySettings);
        // the legacy bridge fetches the apps' files from this asset-api
        bridge.put("dsp.gateway.legacy-gpu.asset-api-url", apiUrl());
        gateway = start(GatewayApplication.builder(), bridge);
    }

    /** Another service of the stack (a worker), with the shared settings plus its own. */
    ConfigurableApplicationContext start(SpringApplicationBuilder application, Map<String, Object> own) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("dsp.fleet.token", FLEET_TOKEN);
        properties.put("dsp.results.links.secret", LINK_SECRET);
        properties.put("dsp.results.links.public-url", apiUrl());
        properties.putAll(own);
        ConfigurableApplicationContext context = Services.start(application, properties);
        started.add(context);
        return context;
    }

    String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    String dspUrl() {
        return "ws://127.0.0.1:"
                + ((WebServerApplicationContext) gateway).getWebServer().getPort() + "/dsp";
    }

    /** A provisioned license, once asset-api's read model knows it; its app's HTTP client. */
    ApiClient app(String license, String machine) {
        Licenses.provisionActive(license);
        ApiClient app = ApiClient.forLicense(apiUrl(), license, machine);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(app.get("/api/v1/tasks/none").msg()).isEqualTo("任务不存在或已过期"));
        return app;
    }

    /** The license's app on the WebSocket, registered. */
    LegacySocket client(String license) {
        LegacySocket socket = LegacySocket.connect(dspUrl());
        socket.send("{\"type\":\"register\",\"key\":\"" + license + "\",\"device_type\":\"pc\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var frame = socket.next();
            return frame.path("type").asString().equals("registered");
        });
        return socket;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }
}
