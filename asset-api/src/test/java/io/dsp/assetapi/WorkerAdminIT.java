package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.schemas.avro.WorkerAction;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
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
class WorkerAdminIT {

    @LocalServerPort
    int port;

    ApiClient admin;
    String workerId;
    TopicTail<String, WorkerCommand> commands;

    @BeforeEach
    void aWorkerIsOnline() {
        admin = ApiClient.anonymous(base())
                .withHeader("Authorization", "Bearer " + AssetApiIntegrationTest.ADMIN_TOKEN);
        workerId = "gpu-test-" + UUID.randomUUID();
        commands = TopicTail.fromEnd(Topics.WORKER_COMMANDS);
        presence(false, 2);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                admin.get("/admin/v1/workers/" + workerId).status())
                        .isEqualTo(200));
    }

    @AfterEach
    void workerLeaves() throws InterruptedException {
        TestKafka.workerLeaves(workerId);
        commands.close();
    }

    @Test
    void anAdminDrainsAWorkerWhichReportsEmptyOnceItsWorkEndsAndUndrainsIt() {
        JsonNode before = admin.get("/admin/v1/workers/" + workerId).data();
        assertThat(before.path("slots").asInt()).isEqualTo(3);
        assertThat(before.path("in_flight").asInt()).isEqualTo(2);
        assertThat(before.path("live").asBoolean()).isTrue();
        assertThat(before.path("draining").asBoolean()).isFalse();
        assertThat(before.path("empty").asBoolean()).isFalse();
        assertThat(admin.get("/admin/v1/workers").data())
                .anySatisfy(w -> assertThat(w.path("worker_id").asString()).isEqualTo(workerId));

        ApiClient.Answer drain = admin.postJson("/admin/v1/workers/" + workerId + "/drain", "");

        assertThat(drain.status()).as(drain.body().toString()).isEqualTo(202);
        assertThat(drain.data().path("requested").asString()).isEqualTo("drain");
        await().atMost(Duration.ofSeconds(20)).until(() -> mine().contains(WorkerAction.DRAIN));
        // The worker (another engineer's) acts on it and reports draining with its in-flight count.
        presence(true, 1);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode w = admin.get("/admin/v1/workers/" + workerId).data();
            assertThat(w.path("draining").asBoolean()).isTrue();
            assertThat(w.path("requested").asString()).isEqualTo("drain");
            assertThat(w.path("empty").asBoolean()).isFalse();
        });
        presence(true, 0);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(admin.get("/admin/v1/workers/" + workerId)
                                .data()
                                .path("empty")
                                .asBoolean())
                        .isTrue());

        ApiClient.Answer undrain = admin.postJson("/admin/v1/workers/" + workerId + "/undrain", "");

        assertThat(undrain.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(mine()).containsExactly(WorkerAction.DRAIN, WorkerAction.UNDRAIN));
        assertThat(commands.records())
                .filteredOn(r -> workerId.equals(r.key()))
                .allSatisfy(r -> assertThat(r.value().getSource()).isEqualTo("asset-api admin"));
    }

    @Test
    void anUnknownWorkerIsNotFoundAndNothingIsWritten() {
        String unknown = "gpu-nobody-" + UUID.randomUUID();

        for (ApiClient.Answer answer : List.of(
                admin.get("/admin/v1/workers/" + unknown),
                admin.postJson("/admin/v1/workers/" + unknown + "/drain", ""),
                admin.postJson("/admin/v1/workers/" + unknown + "/undrain", ""))) {
            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.msg()).isEqualTo("worker 不存在");
        }

        // dsp.worker-commands has one partition: once a command sent now is read, any earlier one was read too.
        assertThat(admin.postJson("/admin/v1/workers/" + workerId + "/drain", "")
                        .status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> mine().contains(WorkerAction.DRAIN));
        assertThat(commands.records()).noneMatch(r -> unknown.equals(r.key()));
    }

    @Test
    void theFleetAdminCallsNeedTheAdminToken() {
        ApiClient anonymous = ApiClient.anonymous(base());
        ApiClient wrong = anonymous.withHeader("Authorization", "Bearer not-the-token");
        ApiClient fleet = anonymous.withHeader("Authorization", "Bearer " + AssetApiIntegrationTest.FLEET_TOKEN);

        for (ApiClient client : List.of(anonymous, wrong, fleet)) {
            assertThat(client.get("/admin/v1/workers").status()).isEqualTo(401);
            assertThat(client.postJson("/admin/v1/workers/" + workerId + "/drain", "")
                            .status())
                    .isEqualTo(401);
        }
        assertThat(mine()).isEmpty();
    }

    private List<WorkerAction> mine() {
        return commands.records().stream()
                .filter(r -> workerId.equals(r.key()) && r.value() != null)
                .map(r -> r.value().getAction())
                .toList();
    }

    private void presence(boolean draining, int inFlight) {
        Instant now = Instant.now();
        TestKafka.publish(
                Topics.WORKERS,
                workerId,
                WorkerPresence.newBuilder()
                        .setWorkerId(workerId)
                        .setKind(WorkerKind.NATIVE)
                        .setHost("gpu-host-1")
                        .setSlots(3)
                        .setInFlight(inFlight)
                        .setDraining(draining)
                        .setStartedAt(now)
                        .setHeartbeatAt(now)
                        .setHeartbeatIntervalMs(5_000)
                        .build());
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
