package io.dsp.assetapi;

import static io.dsp.assetapi.AssetCatalogueIT.md5;
import static io.dsp.assetapi.AssetCatalogueIT.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.Http.Part;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.ApiClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@AssetApiIntegrationTest
class PriorityIT {

    @LocalServerPort
    int port;

    String license;
    ApiClient app;

    @BeforeEach
    void provisionALicense() {
        license = "prio-" + UUID.randomUUID();
        app = LicensedApp.provision(base(), license);
    }

    @Test
    void aHighPriorityTaskGoesToTheHighTopicAndItsAcceptedStepCarriesOriginAndPriority() {
        ApiClient.Answer answer = app.withHeader("X-Device-Type", "mobile")
                .postJson("/api/v1/tasks", "{\"task_type\":\"echo_test\",\"payload\":{},\"priority\":\"high\"}");

        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(202);
        assertThat(answer.data().path("priority").asString()).isEqualTo("high");
        String requestId = answer.data().path("request_id").asString();
        List<TaskRequested> high = TestKafka.read(TenantTopics.topicName(license, Priority.HIGH), TenantTopics::decode);
        assertThat(high).singleElement().satisfies(task -> {
            assertThat(task.getRequestId()).isEqualTo(requestId);
            assertThat(task.getPriority()).isEqualTo(Priority.HIGH);
        });
        assertThat(TestKafka.tasksOf(license)).isEmpty();
        TaskEvent accepted = eventsOf(requestId).stream()
                .filter(e -> e.getType() == TaskEventType.ACCEPTED)
                .findFirst()
                .orElseThrow();
        assertThat(accepted.getPriority()).isEqualTo(Priority.HIGH);
        assertThat(accepted.getOrigin().getChannel()).isEqualTo(TaskChannel.HTTP);
        assertThat(accepted.getOrigin().getNodeId()).isEqualTo("asset-api");
        assertThat(accepted.getOrigin().getDeviceType()).isEqualTo("mobile");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(app.get("/api/v1/tasks/" + requestId)
                                .data()
                                .path("priority")
                                .asString())
                        .isEqualTo("high"));

        ApiClient.Answer normal = app.postJson("/api/v1/tasks", "{\"task_type\":\"echo_test\",\"payload\":{}}");
        assertThat(normal.data().path("priority").asString()).isEqualTo("normal");
        assertThat(TestKafka.tasksOf(license))
                .singleElement()
                .satisfies(task -> assertThat(task.getRequestId())
                        .isEqualTo(normal.data().path("request_id").asString()));
    }

    @Test
    void theLegacySubmitTakesAPriorityAndItsStatusShowsIt() {
        byte[] content = randomBytes(300);
        String hash = Http.multipart(
                        base() + "/api/heygem/upload_file",
                        Http.licenseHeaders(license, "m1"),
                        Part.file("file", "a.wav", content),
                        Part.field("hash", md5(content)))
                .data()
                .path("hash")
                .asString();

        ApiClient.Answer answer = app.postJson(
                "/api/heygem/task/submit",
                "{\"audio_hash\":\"" + hash + "\",\"video_hash\":\"" + hash + "\",\"priority\":\"HIGH\"}");

        assertThat(answer.code()).as(answer.body().toString()).isZero();
        String taskId = answer.data().path("task_id").asString();
        assertThat(TestKafka.read(TenantTopics.topicName(license, Priority.HIGH), TenantTopics::decode))
                .extracting(TaskRequested::getRequestId)
                .containsExactly(taskId);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(app.get("/api/heygem/task/status?task_id=" + taskId)
                                .data()
                                .path("priority")
                                .asString())
                        .isEqualTo("high"));
    }

    @Test
    void anUnknownPriorityIsRefusedInTheLegacyEnvelopeAndNothingIsWritten() {
        for (String priority : new String[] {"\"urgent\"", "5", "{\"a\":1}", "[\"high\"]", "true"}) {
            ApiClient.Answer v1 = app.postJson(
                    "/api/v1/tasks", "{\"task_type\":\"echo_test\",\"payload\":{},\"priority\":" + priority + "}");
            assertThat(v1.status()).as(priority + " " + v1.body()).isEqualTo(400);
            assertThat(v1.code()).isEqualTo(400);
            assertThat(v1.msg()).isNotBlank();
        }
        ApiClient.Answer legacy = app.postJson(
                "/api/heygem/task/submit", "{\"audio_hash\":\"a\",\"video_hash\":\"b\",\"priority\":\"urgent\"}");
        assertThat(legacy.status()).isEqualTo(200);
        assertThat(legacy.code()).isEqualTo(1);
        assertThat(legacy.msg()).isEqualTo("priority 须为 high 或 normal");

        assertThat(TestKafka.tasksOf(license)).isEmpty();
        assertThat(TestKafka.read(TenantTopics.topicName(license, Priority.HIGH), TenantTopics::decode))
                .isEmpty();
    }

    @Test
    void highPrioritySubmissionsOverTheLicenseQuotaAreRefusedWhileNormalOnesPass() {
        String high = "{\"task_type\":\"echo_test\",\"payload\":{},\"priority\":\"high\"}";
        for (int i = 0; i < AssetApiIntegrationTest.HIGH_LIMIT; i++) {
            assertThat(app.postJson("/api/v1/tasks", high).status()).isEqualTo(202);
        }

        ApiClient.Answer refused = app.postJson("/api/v1/tasks", high);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo(429);
        assertThat(refused.msg()).isEqualTo("高优先级任务提交过于频繁，请稍后重试或使用普通优先级");
        assertThat(TestKafka.read(TenantTopics.topicName(license, Priority.HIGH), TenantTopics::decode))
                .hasSize(AssetApiIntegrationTest.HIGH_LIMIT);
        assertThat(app.postJson("/api/v1/tasks", "{\"task_type\":\"echo_test\",\"payload\":{}}")
                        .status())
                .isEqualTo(202);
    }

    private static List<TaskEvent> eventsOf(String requestId) {
        return TestKafka.read(Topics.TASK_EVENTS.name(), Topics.TASK_EVENTS::value).stream()
                .filter(e -> e != null && e.getRequestId().equals(requestId))
                .toList();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
