package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.Services;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two asset-api instances on one broker, as one Kafka Streams application of their own (apart from the other tests'
 * instance): every task's status, long poll and idempotency key work whichever instance is asked.
 */
class MultiInstanceIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<ConfigurableApplicationContext> INSTANCES = new ArrayList<>();

    @BeforeAll
    static void startTwoInstances() {
        String applicationId = "dsp-asset-api-multi-" + UUID.randomUUID();
        for (String node : List.of("api-a", "api-b")) {
            Map<String, Object> settings = new HashMap<>();
            settings.put("spring.kafka.streams.application-id", applicationId);
            settings.put("dsp.asset-api.node-id", node);
            settings.put("dsp.asset-api.advertised-host", "127.0.0.1");
            settings.put("dsp.fleet.token", AssetApiIntegrationTest.FLEET_TOKEN);
            settings.put("dsp.asset-api.tasks.generic-types", "echo_test,capped_test");
            settings.put("dsp.asset-api.limits.in-flight[capped_test]", 1);
            INSTANCES.add(Services.start(AssetApiApplication.builder(), settings));
        }
        // Both run, and every task-lives partition has an advertised owner.
        await().atMost(Duration.ofSeconds(120))
                .until(() -> INSTANCES.stream()
                        .allMatch(i -> streams(i).state() == KafkaStreams.State.RUNNING
                                && owners(i, List.of("a", "b", "c", "d", "e", "f"))
                                                .size()
                                        == 2));
    }

    @AfterAll
    static void stopThem() {
        INSTANCES.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void statusAndLongPollAnswerOnEitherInstanceWhoeverOwnsTheTask() throws Exception {
        String license = "multi-" + UUID.randomUUID();
        ApiClient a = licensed(0, license);
        ApiClient b = licensed(1, license);
        List<String> requestIds = new ArrayList<>();
        // Enough tasks that each instance owns at least one.
        while (requestIds.size() < 40
                && (requestIds.size() < 4
                        || owners(INSTANCES.get(0), requestIds).size() < 2)) {
            ApiClient instance = requestIds.size() % 2 == 0 ? a : b;
            ApiClient.Answer accepted =
                    answered(() -> instance.postJson("/api/v1/tasks", "{\"task_type\":\"echo_test\",\"payload\":{}}"));
            assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
            requestIds.add(accepted.data().path("request_id").asString());
        }
        assertThat(owners(INSTANCES.get(0), requestIds)).hasSize(2);
        System.out.printf("[multi-instance] %d tasks over 2 instances%n", requestIds.size());

        for (String requestId : requestIds) {
            for (ApiClient instance : List.of(a, b)) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    ApiClient.Answer status = instance.get("/api/v1/tasks/" + requestId);
                    assertThat(status.status())
                            .as(requestId + " " + status.body())
                            .isEqualTo(200);
                    assertThat(status.data().path("request_id").asString()).isEqualTo(requestId);
                });
            }
        }

        // A long poll on the instance that does not own the task hears the change made on the other.
        String remote = requestIds.stream()
                .filter(id -> !ownerOf(INSTANCES.get(0), id).equals(self(INSTANCES.get(0))))
                .findFirst()
                .orElseThrow();
        TaskRequested task = TestKafka.tasksOf(license).stream()
                .filter(t -> t.getRequestId().equals(remote))
                .findFirst()
                .orElseThrow();
        CompletableFuture<ApiClient.Answer> poll =
                CompletableFuture.supplyAsync(() -> a.get("/api/v1/tasks/" + remote + "?wait=30"));
        // The poll is still waiting when the change is made (so only a wake-up can answer it) ...
        await().pollDelay(Duration.ofMillis(1_500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> !poll.isDone());
        TestKafka.publish(
                Topics.TASK_EVENTS,
                remote,
                TaskEvents.about(task, TaskEventType.STARTED, "gpu-consumer", Instant.now())
                        .setWorkerId("w-multi")
                        .build());
        // ... and answers well before its own 30 s wait would end with whatever state it then had.
        JsonNode changed = poll.get(20, java.util.concurrent.TimeUnit.SECONDS).data();
        assertThat(changed.path("status").asString()).isEqualTo("started");
    }

    @Test
    void theSameIdempotencyKeyOnBothInstancesIsOneRequestId() {
        String license = "multi-idem-" + UUID.randomUUID();
        licensed(0, license);
        licensed(1, license);
        String key = "order-" + UUID.randomUUID();

        HttpResponse<String> first = answeredRaw(() -> post(0, license, key));
        HttpResponse<String> second = answeredRaw(() -> post(1, license, key));

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(202);
        String requestId = requestId(first);
        assertThat(requestId(second)).isEqualTo(requestId);
        // Whatever reached the tenant topic is one request id, which the dispatcher releases once.
        assertThat(TestKafka.tasksOf(license))
                .extracting(TaskRequested::getRequestId)
                .containsOnly(requestId);
        int copies = TestKafka.tasksOf(license).size();
        System.out.printf(
                "[multi-instance] same key on two instances at once: %d cop%s in the tenant topic%n",
                copies, copies == 1 ? "y" : "ies");

        // Once the owner's store has it, either instance replays the first answer and writes nothing.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> again = post(i, license, key);
                assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
                assertThat(requestId(again)).isEqualTo(requestId);
            }
        });
        assertThat(TestKafka.tasksOf(license)).hasSize(copies);
    }

    @Test
    void aCapHoldsOnTheInstanceThatDoesNotHoldTheLicensesInFlightIndex() {
        // A license whose (license, capped_test) entries live on instance 1: instance 0 reads them over HTTP.
        String license = Stream.generate(() -> "multi-cap-" + UUID.randomUUID())
                .limit(200)
                .filter(l -> inFlightOwner(INSTANCES.get(0), l).equals(self(INSTANCES.get(1))))
                .findFirst()
                .orElseThrow();
        ApiClient a = licensed(0, license);
        ApiClient b = licensed(1, license);
        String task = "{\"task_type\":\"capped_test\",\"payload\":{}}";

        ApiClient.Answer first = answered(() -> b.postJson("/api/v1/tasks", task));
        assertThat(first.status()).as(first.body().toString()).isEqualTo(202);
        String requestId = first.data().path("request_id").asString();
        // Once the owner's index holds the task (its internal read says so), the other instance refuses a second.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(Http.raw(HttpRequest.newBuilder(URI.create(base(1)
                                                + "/internal/v1/stores/in-flight-tasks?after=0&limit=5&key="
                                                + URLEncoder.encode(license + "|capped_test", StandardCharsets.UTF_8)))
                                        .header("Authorization", "Bearer " + AssetApiIntegrationTest.FLEET_TOKEN))
                                .body())
                        .contains(requestId));
        ApiClient.Answer second = answered(() -> a.postJson("/api/v1/tasks", task));

        assertThat(second.status()).as(second.body().toString()).isEqualTo(409);
        assertThat(second.body().path("msg").asString()).matches("任务处理中，请等待完成（已用时 \\d+秒）");
        assertThat(TestKafka.tasksOf(license))
                .extracting(TaskRequested::getRequestId)
                .containsExactly(requestId);
    }

    @Test
    void theInternalStoreReadNeedsTheFleetToken() {
        HttpResponse<String> anonymous =
                Http.raw(HttpRequest.newBuilder(URI.create(base(0) + "/internal/v1/stores/task-lives?key=anything")));
        HttpResponse<String> wrong =
                Http.raw(HttpRequest.newBuilder(URI.create(base(0) + "/internal/v1/stores/task-lives?key=anything"))
                        .header("Authorization", "Bearer wrong"));

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).path("code").asInt()).isEqualTo(401);
    }

    /**
     * The answer once it is not 503: an instance answers 503 ("starting, retry") while a store it needs moves between
     * the instances (Streams rebalances after start-up, warm-up replicas being promoted), and a 503 writes nothing. The
     * apps retry it; so does the test.
     */
    private static ApiClient.Answer answered(Supplier<ApiClient.Answer> request) {
        return await().atMost(Duration.ofSeconds(30)).until(request::get, answer -> answer.status() != 503);
    }

    private static HttpResponse<String> answeredRaw(Supplier<HttpResponse<String>> request) {
        return await().atMost(Duration.ofSeconds(30)).until(request::get, response -> response.statusCode() != 503);
    }

    private static ApiClient licensed(int instance, String license) {
        Licenses.provisionActive(license);
        ApiClient app = ApiClient.forLicense(base(instance), license, "m1");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(app.get("/api/asset/list").code()).isZero());
        return app;
    }

    private static HttpResponse<String> post(int instance, String license, String key) {
        return Http.raw(HttpRequest.newBuilder(URI.create(base(instance) + "/api/v1/tasks"))
                .header("Authorization", "Bearer " + license)
                .header("X-Machine-Code", "m1")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"task_type\":\"echo_test\",\"payload\":{}}")));
    }

    private static String requestId(HttpResponse<String> response) {
        return JSON.readTree(response.body()).path("data").path("request_id").asString();
    }

    private static Set<String> owners(ConfigurableApplicationContext instance, List<String> requestIds) {
        return requestIds.stream().map(id -> ownerOf(instance, id)).collect(Collectors.toSet());
    }

    private static String ownerOf(ConfigurableApplicationContext instance, String requestId) {
        KeyQueryMetadata metadata = streams(instance)
                .queryMetadataForKey("task-lives", requestId, Serdes.String().serializer());
        return metadata.activeHost().host() + ":" + metadata.activeHost().port();
    }

    private static String inFlightOwner(ConfigurableApplicationContext instance, String license) {
        KeyQueryMetadata metadata = streams(instance)
                .queryMetadataForKey(
                        "in-flight-tasks",
                        license + "|capped_test",
                        Serdes.String().serializer());
        return metadata.activeHost().host() + ":" + metadata.activeHost().port();
    }

    private static String self(ConfigurableApplicationContext instance) {
        return "127.0.0.1:" + port(instance);
    }

    private static KafkaStreams streams(ConfigurableApplicationContext instance) {
        return instance.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
    }

    private static int port(ConfigurableApplicationContext instance) {
        return ((WebServerApplicationContext) instance).getWebServer().getPort();
    }

    private static String base(int instance) {
        return "http://127.0.0.1:" + port(INSTANCES.get(instance));
    }
}
