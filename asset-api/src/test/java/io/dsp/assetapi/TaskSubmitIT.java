package io.dsp.assetapi;

import static io.dsp.assetapi.AssetCatalogueIT.md5;
import static io.dsp.assetapi.AssetCatalogueIT.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.Http.Part;
import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Licenses;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

@AssetApiIntegrationTest
class TaskSubmitIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    String license;
    ApiClient app;
    String audio;

    @BeforeEach
    void provisionALicenseWithStagedInputs() {
        license = "v1-" + UUID.randomUUID();
        app = LicensedApp.provision(base(), license);
        byte[] content = randomBytes(256);
        audio = Http.multipart(
                        base() + "/api/heygem/upload_file",
                        Http.licenseHeaders(license, "m1"),
                        Part.file("file", "a.wav", content),
                        Part.field("hash", md5(content)))
                .data()
                .path("hash")
                .asString();
    }

    @Test
    void aTypedTaskIsAcceptedOnceKafkaHoldsIt() {
        ApiClient.Answer answer = app.postJson("/api/v1/tasks", heygem(null));

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.msg()).isEqualTo("已排队");
        String requestId = answer.data().path("request_id").asString();
        assertThat(requestId).startsWith("heygem_");
        assertThat(answer.data().path("queued").asBoolean()).isTrue();
        assertThat(TestKafka.tasksOf(license)).singleElement().satisfies(task -> {
            assertThat(task.getRequestId()).isEqualTo(requestId);
            assertThat(task.getPayload()).isEqualTo(new HeyGemSubmitPayload(audio, ".wav", audio, ".mp4"));
        });
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(app.get("/api/v1/tasks/" + requestId)
                                .data()
                                .path("status")
                                .asString())
                        .isEqualTo("queued"));
    }

    @Test
    void theSameIdempotencyKeyGivesTheSameAnswerAndOneTaskBeforeAndAfterTheStoreHasIt() {
        String key = "order-" + UUID.randomUUID();
        HttpResponse<String> first = post(heygem(null), key);
        HttpResponse<String> again = post(heygem(null), key);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        String requestId =
                JSON.readTree(first.body()).path("data").path("request_id").asString();
        assertThat(requestId).startsWith("v1_");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(app.get("/api/v1/tasks/" + requestId).code()).isZero());
        // Answered from the task-lives store as well, and the key in the body means the same as in the header.
        assertThat(post(heygem(key), key).body()).isEqualTo(first.body());
        assertThat(app.postJson("/api/v1/tasks", heygem(key)).body()).isEqualTo(JSON.readTree(first.body()));

        assertThat(TestKafka.tasksOf(license)).hasSize(1);
        List<TaskEvent> events = TestKafka.read(Topics.TASK_EVENTS.name(), Topics.TASK_EVENTS::value).stream()
                .filter(e -> e != null && e.getRequestId().equals(requestId))
                .toList();
        assertThat(events).extracting(e -> e.getType().name()).containsExactly("ACCEPTED", "QUEUED");

        String other = "v1-other-" + UUID.randomUUID();
        Licenses.provisionActive(other);
        ApiClient otherApp = ApiClient.forLicense(base(), other, "m1");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(otherApp.get("/api/asset/list").code()).isZero());
        String otherId = otherApp.postJson("/api/v1/tasks", heygem(key))
                .data()
                .path("request_id")
                .asString();
        assertThat(otherId).startsWith("v1_").isNotEqualTo(requestId);
    }

    @Test
    void aConfiguredGenericTypeKeepsItsPayloadAsJson() {
        ApiClient.Answer answer =
                app.postJson("/api/v1/tasks", "{\"task_type\":\"echo_test\",\"payload\":{\"text\":\"你好\",\"n\":3}}");

        assertThat(answer.status()).isEqualTo(202);
        TaskRequested task = TestKafka.tasksOf(license).get(0);
        assertThat(task.getTaskType()).isEqualTo("echo_test");
        assertThat(((GenericPayload) task.getPayload()).getJson()).isEqualTo("{\"text\":\"你好\",\"n\":3}");
    }

    @Test
    void badSubmissionsAreRefusedWithAClearErrorAndQueueNothing() {
        assertRefused(
                app.postJson("/api/v1/tasks", "{\"task_type\":\"mine_bitcoin\",\"payload\":{}}"),
                400,
                "未知任务类型: mine_bitcoin");
        assertRefused(
                app.postJson("/api/v1/tasks", "{\"task_type\":\"upload_asset\",\"payload\":{}}"),
                400,
                "upload_asset 请使用 POST /api/asset/upload 上传文件");
        assertRefused(app.postJson("/api/v1/tasks", "{\"payload\":{}}"), 400, "缺少 task_type");
        assertRefused(
                app.postJson(
                        "/api/v1/tasks",
                        "{\"task_type\":\"heygem_submit\",\"payload\":{\"audio_hash\":\"" + audio + "\"}}"),
                400,
                "audio_hash 和 video_hash 不能为空");
        assertRefused(
                app.postJson("/api/v1/tasks", "{\"task_type\":\"delete_asset\",\"payload\":{\"id\":-1}}"),
                400,
                "缺少 id");
        assertRefused(app.postJson("/api/v1/tasks", "[1]"), 400, "请求格式错误: 需要 JSON 对象");
        assertRefused(
                app.withHeader("Idempotency-Key", "a").postJson("/api/v1/tasks", heygem("b")),
                400,
                "Idempotency-Key 与 request_id 不一致");
        assertRefused(app.postJson("/api/v1/tasks", heygem("has space")), 400, "request_id 须为 1-128 位字母、数字或 _.:-");
        String huge = "{\"task_type\":\"echo_test\",\"payload\":{\"x\":\"" + "a".repeat(70_000) + "\"}}";
        assertRefused(app.postJson("/api/v1/tasks", huge), 413, "请求体过大");

        assertThat(TestKafka.tasksOf(license)).isEmpty();
    }

    private static void assertRefused(ApiClient.Answer answer, int status, String message) {
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(status);
        assertThat(answer.code()).isEqualTo(status);
        assertThat(answer.msg()).isEqualTo(message);
    }

    private String heygem(String requestId) {
        return "{\"task_type\":\"heygem_submit\",\"payload\":{\"audio_hash\":\"" + audio + "\",\"video_hash\":\""
                + audio + "\"}" + (requestId == null ? "" : ",\"request_id\":\"" + requestId + "\"") + "}";
    }

    private HttpResponse<String> post(String body, String idempotencyKey) {
        return Http.raw(HttpRequest.newBuilder(URI.create(base() + "/api/v1/tasks"))
                .header("Authorization", "Bearer " + license)
                .header("X-Machine-Code", "m1")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
