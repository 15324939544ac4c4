package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.schemas.avro.TaskAction;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.TopicTail;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@AssetApiIntegrationTest
class CancelIT {

    @LocalServerPort
    int port;

    String license;
    ApiClient app;
    TopicTail<String, TaskControl> controls;

    @BeforeEach
    void provisionALicense() {
        license = "cancel-" + UUID.randomUUID();
        app = LicensedApp.provision(base(), license);
        controls = TopicTail.fromEnd(Topics.TASK_CONTROL);
    }

    @AfterEach
    void stopTailing() throws InterruptedException {
        controls.close();
    }

    @Test
    void theOwnerCancelsAWaitingTaskOnceAndStatusShowsCancelledWhenTheActorRecordsIt() {
        String requestId = submitAndSeeStored();

        ApiClient.Answer first = app.postJson("/api/v1/tasks/" + requestId + "/cancel", "");
        ApiClient.Answer again = app.postJson("/api/v1/tasks/" + requestId + "/cancel", "");

        assertThat(first.status()).as(first.body().toString()).isEqualTo(202);
        assertThat(first.msg()).isEqualTo("已请求取消");
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(mine()).singleElement().satisfies(c -> {
                    assertThat(c.getAction()).isEqualTo(TaskAction.CANCEL);
                    assertThat(c.getSource()).isEqualTo("asset-api");
                    assertThat(c.getLicenseKey()).isEqualTo(license);
                }));
        assertThat(controls.records())
                .filteredOn(r -> requestId.equals(r.key()))
                .hasSize(1);
        JsonNode status = app.get("/api/v1/tasks/" + requestId).data();
        assertThat(status.path("status").asString()).isEqualTo("queued");
        assertThat(status.path("cancel_requested").asBoolean()).isTrue();

        // The dispatcher (which holds a waiting task) records the end.
        TaskRequested task = TestKafka.tasksOf(license).get(0);
        TestKafka.publish(
                Topics.TASK_EVENTS,
                requestId,
                TaskEvents.about(task, TaskEventType.CANCELLED, "dispatcher", Instant.now())
                        .build());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode done = app.get("/api/v1/tasks/" + requestId).data();
            assertThat(done.path("status").asString()).isEqualTo("cancelled");
            assertThat(done.path("done").asBoolean()).isTrue();
            assertThat(done.path("cancel_requested").asBoolean()).isFalse();
        });
        assertThat(app.get("/api/heygem/task/status?task_id=" + requestId)
                        .data()
                        .path("status")
                        .asString())
                .isEqualTo("error");
        ApiClient.Answer late = app.postJson("/api/v1/tasks/" + requestId + "/cancel", "");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.msg()).isEqualTo("任务已结束，无法取消（cancelled）");
    }

    @Test
    void anotherLicenseGetsTheSameAnswerAsForAnUnknownTaskAndNothingIsWritten() {
        String requestId = submitAndSeeStored();
        String other = "cancel-other-" + UUID.randomUUID();
        ApiClient otherApp = LicensedApp.provision(base(), other);

        ApiClient.Answer foreign = otherApp.postJson("/api/v1/tasks/" + requestId + "/cancel", "");
        ApiClient.Answer unknown = otherApp.postJson("/api/v1/tasks/v1_no-such-task/cancel", "");

        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.body()).isEqualTo(unknown.body());
        assertThat(unknown.msg()).isEqualTo("任务不存在或已过期");
        assertThat(cancelsBeforeAMarker()).doesNotContain(requestId);
        assertThat(app.get("/api/v1/tasks/" + requestId)
                        .data()
                        .path("cancel_requested")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void aFinishedTaskIsRefusedWithAConflictAndNothingIsWritten() {
        String requestId = submitAndSeeStored();
        TaskRequested task = TestKafka.tasksOf(license).get(0);
        TestKafka.publish(
                Topics.TASK_EVENTS,
                requestId,
                TaskEvents.about(task, TaskEventType.SUCCEEDED, "gpu-consumer", Instant.now())
                        .setResultJson("{}")
                        .build());
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(app.get("/api/v1/tasks/" + requestId)
                                .data()
                                .path("done")
                                .asBoolean())
                        .isTrue());

        ApiClient.Answer refused = app.postJson("/api/v1/tasks/" + requestId + "/cancel", "");

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo(409);
        assertThat(refused.msg()).isEqualTo("任务已结束，无法取消（succeeded）");
        assertThat(cancelsBeforeAMarker()).doesNotContain(requestId);
    }

    /**
     * The request ids of this license's cancels, read up to a marker cancel sent now: dsp.task-control has one
     * partition, so anything written before the marker has been read once the marker has.
     */
    private List<String> cancelsBeforeAMarker() {
        String marker = submitAndSeeStored();
        assertThat(app.postJson("/api/v1/tasks/" + marker + "/cancel", "").status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> mine().stream().anyMatch(c -> c.getRequestId().equals(marker)));
        return mine().stream()
                .map(TaskControl::getRequestId)
                .filter(id -> !id.equals(marker))
                .toList();
    }

    private List<TaskControl> mine() {
        return controls.values().stream()
                .filter(c -> c.getLicenseKey().equals(license))
                .toList();
    }

    private String submitAndSeeStored() {
        ApiClient.Answer answer = app.postJson("/api/v1/tasks", "{\"task_type\":\"echo_test\",\"payload\":{}}");
        assertThat(answer.status()).isEqualTo(202);
        String requestId = answer.data().path("request_id").asString();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(app.get("/api/v1/tasks/" + requestId).code()).isZero());
        return requestId;
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
