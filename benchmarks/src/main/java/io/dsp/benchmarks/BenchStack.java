package io.dsp.benchmarks;

import io.dsp.assetapi.AssetApiApplication;
import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.gateway.GatewayApplication;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Groups;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.Services;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * asset-api, the dispatcher and the gateway, started in this JVM against the benchmark's broker and Redis, with the
 * limits that would throttle a benchmark raised (per-license submission rate, per-connection frame rate, Tomcat's
 * connection cap) and the no-op task type {@value #TASK_TYPE} accepted over HTTP.
 */
final class BenchStack implements AutoCloseable {

    static final String TASK_TYPE = "bench_noop";

    private final ConfigurableApplicationContext assetApi;
    private final ConfigurableApplicationContext dispatcher;
    private final ConfigurableApplicationContext gateway;
    private final HttpClient http = HttpClient.newHttpClient();
    final String baseUrl;
    final String wsUrl;

    BenchStack() {
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
                                1_000)));
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

    /** Provisions active licenses with their tenant topics and waits until asset-api and the dispatcher know them. */
    void provision(List<String> licenses) throws InterruptedException {
        Licenses.provisionAll(licenses.stream().map(Licenses::active).toList());
        for (String license : licenses) {
            KafkaTestBroker.get().ensureTenantTopic(license);
        }
        Set<String> topics = new HashSet<>();
        licenses.forEach(l -> topics.add(TenantTopics.topicName(l)));
        String last = licenses.get(licenses.size() - 1);
        await(
                "the dispatcher owns " + topics.size() + " tenant topics and asset-api knows the licenses",
                Duration.ofMinutes(5),
                () -> dispatcherOwns(topics) && licenseKnown(last));
    }

    private boolean dispatcherOwns(Collection<String> topics) {
        try {
            ConsumerGroupDescription group = KafkaTestBroker.get()
                    .admin()
                    .describeConsumerGroups(List.of(Groups.DISPATCHER))
                    .all()
                    .get(10, TimeUnit.SECONDS)
                    .get(Groups.DISPATCHER);
            Set<String> owned = new HashSet<>();
            group.members().forEach(m -> m.assignment().topicPartitions().forEach(tp -> owned.add(tp.topic())));
            return owned.containsAll(topics);
        } catch (Exception e) {
            return false;
        }
    }

    private boolean licenseKnown(String license) {
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/tasks/none"))
                            .header("Authorization", "Bearer " + license)
                            .header("X-Machine-Code", "bench-machine")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 404;
        } catch (Exception e) {
            return false;
        }
    }

    /** Waits until the fleet's share group has exactly {@code members} members, each with the dispatch partition. */
    static void awaitFleetMembers(int members) throws InterruptedException {
        await("the fleet group has " + members + " assigned members", Duration.ofMinutes(3), () -> {
            try {
                ShareGroupDescription group = KafkaTestBroker.get()
                        .admin()
                        .describeShareGroups(List.of(Groups.GPU_FLEET))
                        .describedGroups()
                        .get(Groups.GPU_FLEET)
                        .get(10, TimeUnit.SECONDS);
                long assigned = group.members().stream()
                        .filter(m -> !m.assignment().topicPartitions().isEmpty())
                        .count();
                return group.members().size() == members && assigned == members;
            } catch (Exception e) {
                // the group does not exist until its first member joins
                return members == 0;
            }
        });
    }

    static void await(String what, Duration timeout, BooleanSupplier ready) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not ready after " + timeout.toSeconds() + " s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    static List<String> licenses(String prefix, int count) {
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        List<String> licenses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            licenses.add(prefix + "-" + run + "-" + i);
        }
        return licenses;
    }

    @Override
    public void close() {
        gateway.close();
        dispatcher.close();
        assetApi.close();
    }
}
