package io.dsp.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.AssetApiApplication;
import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.gpuconsumer.GpuConsumerApplication;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.DspInfrastructureInitializer;
import io.dsp.testkit.KafkaTestBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The first end-to-end slice through real HTTP and a real broker: {@code POST /api/asset/delete} becomes a task in
 * the license's topic, the dispatcher releases it to {@code dsp.dispatch} once a worker is online, a gpu-consumer slot
 * in the fleet share group runs {@code delete_asset}, and {@code GET /api/v1/tasks/{id}} shows its whole life.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeleteAssetSliceIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String LICENSE = "slice-" + UUID.randomUUID();

    private static ConfigurableApplicationContext assetApi;
    private static ConfigurableApplicationContext dispatcher;
    private static ConfigurableApplicationContext worker;
    private static String baseUrl;

    @BeforeAll
    static void startEdgeAndDispatcherAndProvisionALicense() throws Exception {
        assetApi = start(AssetApiApplication.builder(), Map.of());
        dispatcher = start(DispatcherApplication.builder(), Map.of());
        baseUrl = "http://127.0.0.1:"
                + ((WebServerApplicationContext) assetApi).getWebServer().getPort();
        provisionLicense(LICENSE);
        // The license read model has it once a guarded endpoint answers "no such task" instead of "no such license".
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(get("/api/v1/tasks/none").path("msg").asString())
                                .isEqualTo("任务不存在或已过期"));
    }

    @AfterAll
    static void stopAll() {
        for (ConfigurableApplicationContext context :
                new ConfigurableApplicationContext[] {worker, dispatcher, assetApi}) {
            if (context != null) {
                context.close();
            }
        }
    }

    @Test
    @Order(1) // before any worker has joined
    void taskWaitsInItsTenantTopicWhileNoWorkerIsOnlineAndRunsWhenOneJoins() throws Exception {
        // given no worker online
        JsonNode answer = deleteAsset(41);
        assertThat(answer.path("code").asInt()).isZero();
        assertThat(answer.path("msg").asString()).isEqualTo("已排队");
        assertThat(answer.path("data").path("queued").asBoolean()).isTrue();
        String requestId = answer.path("data").path("request_id").asString();
        assertThat(requestId).startsWith("del_asset_");

        // then it is accepted and queued, and stays undispatched while the fleet is empty
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(eventTypes(requestId)).contains("accepted", "queued"));
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(eventTypes(requestId)).doesNotContain("dispatched"));

        // when a worker joins, then the task runs to success
        ensureWorker();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() ->
                        assertThat(task(requestId).path("status").asString()).isEqualTo("succeeded"));
    }

    @Test
    void deleteAssetTravelsFromHttpThroughTheFleetToSucceededWithItsWholeLife() throws Exception {
        ensureWorker();

        JsonNode answer = deleteAsset(123);
        assertThat(answer.path("code").asInt()).isZero();
        String requestId = answer.path("data").path("request_id").asString();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() ->
                        assertThat(task(requestId).path("done").asBoolean()).isTrue());
        JsonNode task = task(requestId);
        assertThat(task.path("status").asString()).isEqualTo("succeeded");
        assertThat(task.path("task_type").asString()).isEqualTo("delete_asset");
        assertThat(task.path("worker_id").asString()).startsWith("gpu-");
        assertThat(task.path("result").path("id").asLong()).isEqualTo(123);
        assertThat(task.path("result").path("msg").asString()).isEqualTo("删除成功");
        assertThat(eventTypes(requestId)).containsSubsequence("accepted", "dispatched", "started", "succeeded");
    }

    @Test
    void anotherLicenseCannotSeeTheTask() throws Exception {
        JsonNode answer = deleteAsset(7);
        String requestId = answer.path("data").path("request_id").asString();
        String other = "other-" + UUID.randomUUID();
        provisionLicense(other);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(eventTypes(requestId)).contains("accepted"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode seen = send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/tasks/" + requestId))
                    .header("Authorization", "Bearer " + other)
                    .header("X-Machine-Code", "m2")
                    .GET());
            assertThat(seen.path("msg").asString()).isEqualTo("任务不存在或已过期");
        });
    }

    private static synchronized void ensureWorker() {
        if (worker == null) {
            worker = start(GpuConsumerApplication.builder(), Map.of("dsp.gpu-consumer.heartbeat-interval", "1s"));
        }
    }

    private static ConfigurableApplicationContext start(
            SpringApplicationBuilder application, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(DspInfrastructureInitializer.properties());
        properties.put("server.port", 0);
        properties.putAll(extra);
        // Command-line arguments, because builder properties are defaults that each service's application.yml
        // overrides.
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return application.run(args);
    }

    private static void provisionLicense(String key) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            License license = License.newBuilder()
                    .setLicenseKey(key)
                    .setStatus(LicenseStatus.ACTIVE)
                    .setUpdatedAt(Instant.now())
                    .build();
            producer.send(Topics.LICENSES.record(key, license)).get();
        }
    }

    private static JsonNode deleteAsset(long id) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/asset/delete"))
                .header("Authorization", "Bearer " + LICENSE)
                .header("X-Machine-Code", "machine-1")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":" + id + "}")));
    }

    private static JsonNode task(String requestId) throws Exception {
        JsonNode answer = get("/api/v1/tasks/" + requestId);
        assertThat(answer.path("code").asInt()).as("status answer %s", answer).isZero();
        return answer.path("data");
    }

    private static List<String> eventTypes(String requestId) throws Exception {
        JsonNode answer = get("/api/v1/tasks/" + requestId);
        if (answer.path("code").asInt() != 0) {
            return List.of();
        }
        return answer.path("data")
                .path("events")
                .valueStream()
                .map(e -> e.path("type").asString())
                .toList();
    }

    private static JsonNode get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + LICENSE)
                .header("X-Machine-Code", "machine-1")
                .GET());
    }

    private static JsonNode send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
