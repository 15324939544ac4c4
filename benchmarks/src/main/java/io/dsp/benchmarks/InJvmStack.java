package io.dsp.benchmarks;

import io.dsp.assetapi.AssetApiApplication;
import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.dispatcher.DispatcherSettings;
import io.dsp.gateway.GatewayApplication;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.Services;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * asset-api, the dispatcher and the gateway, started in this JVM against the in-JVM broker and Redis, with the limits
 * that would throttle a benchmark raised (per-license submission rate, per-connection frame rate, Tomcat's connection
 * cap) and the no-op task type {@value StackUnderTest#TASK_TYPE} accepted over HTTP. Runs every family; the licenses
 * it hands out are new ones, written to the registry topic as the ops tooling does.
 */
final class InJvmStack extends StackUnderTest {

    private final Broker broker;
    private final ConfigurableApplicationContext assetApi;
    private final ConfigurableApplicationContext dispatcher;
    private final ConfigurableApplicationContext gateway;
    private final String baseUrl;
    private final String wsUrl;

    InJvmStack() {
        this(Duration.ofMillis(Profile.SLOT_POLL_MS));
    }

    /** With the gateway's slots polling at most {@code slotPollTimeout} at a time (the raw consumers get the same). */
    InJvmStack(Duration slotPollTimeout) {
        broker = Broker.inJvm();
        Map<String, Object> quiet = Map.of(
                "logging.level.root",
                "WARN",
                "logging.level.io.dsp",
                "WARN",
                // a loaded machine needs more than Lettuce's 1 s to connect
                "spring.data.redis.timeout",
                "10s",
                "spring.data.redis.connect-timeout",
                "10s");
        assetApi = Services.start(
                AssetApiApplication.builder(),
                merge(
                        quiet,
                        Map.of(
                                "dsp.asset-api.limits.requests-per-window",
                                1_000_000_000,
                                "dsp.asset-api.tasks.generic-types",
                                TASK_TYPE)));
        dispatcher = Services.start(DispatcherApplication.builder(), quiet);
        gateway = Services.start(
                GatewayApplication.builder(),
                merge(
                        quiet,
                        Map.of(
                                "dsp.gateway.max-messages-per-second",
                                100_000,
                                "dsp.gateway.max-connections",
                                30_000,
                                "server.tomcat.max-connections",
                                30_000,
                                "server.tomcat.accept-count",
                                1_000,
                                "dsp.gateway.poll-timeout",
                                slotPollTimeout.toMillis() + "ms")));
        baseUrl = "http://127.0.0.1:" + port(assetApi);
        wsUrl = "ws://127.0.0.1:" + port(gateway) + "/dsp";
    }

    private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> m = new java.util.HashMap<>(a);
        m.putAll(b);
        return m;
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @Override
    String baseUrl() {
        return baseUrl;
    }

    @Override
    String wsUrl() {
        return wsUrl;
    }

    @Override
    Broker broker() {
        return broker;
    }

    @Override
    String describe() {
        return "in-JVM: one KRaft broker (spring-kafka EmbeddedKafkaKraftBroker), Redis, asset-api, dispatcher and"
                + " gateway in the bench's JVM, shared by both sides";
    }

    @Override
    int releaseWindow(int slots) {
        DispatcherSettings settings = dispatcher.getBean(DispatcherSettings.class);
        return window(slots, settings.prefetch(), settings.prefetchPerSlot());
    }

    @Override
    Optional<String> unsupported(Bench.Scenario scenario, Profile profile) {
        return Optional.empty();
    }

    /** New active licenses with their tenant topics, once asset-api and the dispatcher know them. */
    @Override
    List<String> licenses(String purpose, int count) throws InterruptedException {
        List<String> licenses = newLicenseKeys(purpose, count);
        Licenses.provisionAll(licenses.stream().map(Licenses::active).toList());
        for (String license : licenses) {
            KafkaTestBroker.get().ensureTenantTopic(license);
        }
        awaitKnown(licenses);
        return licenses;
    }

    /** Nothing: the stack, and what it holds, ends with the bench. */
    @Override
    void leaveAsFound(String license, Collection<String> requestIds, Profile profile) {}

    @Override
    public void close() {
        gateway.close();
        dispatcher.close();
        assetApi.close();
    }
}
