package io.dsp.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.AssetApiApplication;
import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.gpuconsumer.GpuConsumerApplication;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.Services;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The first end-to-end slice through real HTTP and a real broker: {@code POST /api/asset/delete} becomes a task in
 * the license's topic, the dispatcher releases it to {@code dsp.dispatch} once a worker is online, a gpu-consumer slot
 * in the fleet share group runs {@code delete_asset}, and {@code GET /api/v1/tasks/{id}} shows its whole life.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeleteAssetSliceIT {

    private static final String LICENSE = "slice-" + UUID.randomUUID();

    private static ConfigurableApplicationContext assetApi;
    private static ConfigurableApplicationContext dispatcher;
    private static ConfigurableApplicationContext worker;
    private static String baseUrl;
    private static ApiClient app;

    @BeforeAll
    static void startEdgeAndDispatcherAndProvisionALicense() {
        assetApi = Services.start(AssetApiApplication.builder(), Map.of());
        dispatcher = Services.start(DispatcherApplication.builder(), Map.of());
        baseUrl = "http://127.0.0.1:"
                + ((WebServerApplicationContext) assetApi).getWebServer().getPort();
        app = ApiClient.forLicense(baseUrl, LICENSE, "machine-1");
        Licenses.provisionActive(LICENSE);
        // The license read model has it once a guarded endpoint answers "no such task" instead of "no such license".
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(app.get("/api/v1/tasks/none").msg()).isEqualTo("任务不存在或已过期"));
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
    void taskWaitsInItsTenantTopicWhileNoWorkerIsOnlineAndRunsWhenOneJoins() {
        // given no worker online
        ApiClient.Answer answer = app.postJson("/api/asset/delete", "{\"id\":41}");
        assertThat(answer.code()).isZero();
        assertThat(answer.msg()).isEqualTo("已排队");
        assertThat(answer.data().path("queued").asBoolean()).isTrue();
        String requestId = answer.data().path("request_id").asString();
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
    @Order(2)
    void deleteAssetTravelsFromHttpThroughTheFleetToSucceededWithItsWholeLife() {
        ensureWorker();

        ApiClient.Answer answer = app.postJson("/api/asset/delete", "{\"id\":123}");
        assertThat(answer.code()).isZero();
        String requestId = answer.data().path("request_id").asString();

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
    @Order(3)
    void anotherLicenseCannotSeeTheTask() {
        String requestId = app.postJson("/api/asset/delete", "{\"id\":7}")
                .data()
                .path("request_id")
                .asString();
        String other = "other-" + UUID.randomUUID();
        Licenses.provisionActive(other);
        ApiClient stranger = ApiClient.forLicense(baseUrl, other, "machine-2");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(eventTypes(requestId)).contains("accepted"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ApiClient.Answer seen = stranger.get("/api/v1/tasks/" + requestId);
            assertThat(seen.status()).isEqualTo(404);
            assertThat(seen.msg()).isEqualTo("任务不存在或已过期");
        });
    }

    private static synchronized void ensureWorker() {
        if (worker == null) {
            worker = Services.start(
                    GpuConsumerApplication.builder(), Map.of("dsp.gpu-consumer.heartbeat-interval", "1s"));
        }
    }

    private static JsonNode task(String requestId) {
        ApiClient.Answer answer = app.get("/api/v1/tasks/" + requestId);
        assertThat(answer.code()).as("status answer %s", answer.body()).isZero();
        return answer.data();
    }

    private static List<String> eventTypes(String requestId) {
        ApiClient.Answer answer = app.get("/api/v1/tasks/" + requestId);
        if (answer.code() != 0) {
            return List.of();
        }
        return answer.data()
                .path("events")
                .valueStream()
                .map(e -> e.path("type").asString())
                .toList();
    }
}
