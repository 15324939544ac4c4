package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.intake.ClientRequestIds;
import io.dsp.core.intake.TaskSubmission;
import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.ApiClient;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A request id a client chose (over the WebSocket, where apps choose their own) is scoped to its license (ADR 015):
 * the owner finds its task by the id it chose, in every status path, and sees that id; another license using the same
 * id finds nothing of it, cannot cancel it and cannot download its result.
 */
@AssetApiIntegrationTest
class RequestIdScopeIT {

    @LocalServerPort
    int port;

    @Test
    void aChosenIdNamesOnlyItsOwnLicensesTaskInEveryPath() {
        String owner = "scope-a-" + UUID.randomUUID();
        String stranger = "scope-b-" + UUID.randomUUID();
        ApiClient ownerApp = LicensedApp.provision(base(), owner);
        ApiClient strangerApp = LicensedApp.provision(base(), stranger);
        String chosen = "pip_" + UUID.randomUUID();

        // the task as the gateway accepts it from the owner's app
        TaskRequested task = TaskSubmission.task(
                ClientRequestIds.scoped(owner, chosen),
                owner,
                "heygem_submit",
                GenericPayload.newBuilder().setJson("{}").build(),
                Priority.NORMAL,
                new TaskOrigin(TaskChannel.WEBSOCKET, "gateway-1", "7", "pc"),
                Instant.now());
        TestKafka.publish(
                Topics.TASK_EVENTS,
                task.getRequestId(),
                TaskEvents.about(task, TaskEventType.ACCEPTED, "gateway", Instant.now())
                        .setOrigin(task.getOrigin())
                        .setPriority(task.getPriority())
                        .build());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ApiClient.Answer v1 = ownerApp.get("/api/v1/tasks/" + chosen);
            assertThat(v1.status()).as(v1.body().toString()).isEqualTo(200);
            assertThat(v1.data().path("request_id").asString()).isEqualTo(chosen);
        });
        ApiClient.Answer legacy = ownerApp.get("/api/heygem/task/status?task_id=" + chosen);
        assertThat(legacy.data().path("task_id").asString()).isEqualTo(chosen);
        assertThat(ownerApp.get("/api/heygem/progress?task_id=" + chosen).status())
                .isEqualTo(200);

        // the stranger, naming the same id or even the internal one, finds nothing and changes nothing
        for (String id : new String[] {chosen, task.getRequestId()}) {
            assertThat(strangerApp.get("/api/v1/tasks/" + id).status()).as(id).isEqualTo(404);
            assertThat(strangerApp.get("/api/heygem/task/status?task_id=" + id).msg())
                    .as(id)
                    .isEqualTo("任务不存在或已过期");
            assertThat(strangerApp.get("/api/v1/tasks/" + id + "/result").status())
                    .as(id)
                    .isEqualTo(404);
            assertThat(strangerApp.get("/api/heygem/download?task_id=" + id).status())
                    .as(id)
                    .isEqualTo(404);
            assertThat(strangerApp
                            .postJson("/api/v1/tasks/" + id + "/cancel", "")
                            .status())
                    .as(id)
                    .isEqualTo(404);
        }
        assertThat(ownerApp.get("/api/v1/tasks/" + chosen)
                        .data()
                        .path("cancel_requested")
                        .asBoolean())
                .isFalse();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
