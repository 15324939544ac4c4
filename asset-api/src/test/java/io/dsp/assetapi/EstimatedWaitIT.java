package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.ApiClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** A waiting task's estimated wait: observed service time × queue position ÷ live slots. */
@AssetApiIntegrationTest
class EstimatedWaitIT {

    @LocalServerPort
    int port;

    @Test
    void aWaitingTaskShowsServiceTimeTimesItsPositionOverTheLiveSlots() {
        String license = "estimate-" + UUID.randomUUID();
        ApiClient app = LicensedApp.provision("http://127.0.0.1:" + port, license);
        String first = submit(app);
        String waiting = submit(app);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(app.get("/api/v1/tasks/" + waiting)
                                .data()
                                .path("estimated_wait_seconds")
                                .isNull())
                        .isTrue());
        // The first task ran for 40 s (by its events' times): the type's only observed service time.
        TaskRequested task = TestKafka.tasksOf(license).stream()
                .filter(t -> t.getRequestId().equals(first))
                .findFirst()
                .orElseThrow();
        Instant started = Instant.now().minusSeconds(60);
        TestKafka.publish(
                Topics.TASK_EVENTS,
                first,
                TaskEvents.about(task, TaskEventType.STARTED, "gpu-consumer", started)
                        .build());
        TestKafka.publish(
                Topics.TASK_EVENTS,
                first,
                TaskEvents.about(task, TaskEventType.SUCCEEDED, "gpu-consumer", started.plusSeconds(40))
                        .setResultJson("{}")
                        .build());
        String worker = "estimate-worker-" + UUID.randomUUID();
        Instant now = Instant.now();
        TestKafka.publish(
                Topics.WORKERS,
                worker,
                WorkerPresence.newBuilder()
                        .setWorkerId(worker)
                        .setKind(WorkerKind.NATIVE)
                        .setSlots(2)
                        .setInFlight(2)
                        .setStartedAt(now)
                        .setHeartbeatAt(now.plusSeconds(60))
                        .setHeartbeatIntervalMs(30_000)
                        .build());
        // The dispatcher's queue facts put the waiting task second in its license's queue.
        TestKafka.publish(
                Topics.QUEUE_FACTS,
                license,
                QueueFacts.newBuilder()
                        .setLicenseKey(license)
                        .setWaiting(2)
                        .setInFlight(0)
                        .setNextRequestIds(List.of("someone-before-" + UUID.randomUUID(), waiting))
                        .setAt(now)
                        .build());
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode view = app.get("/api/v1/tasks/" + waiting).data();
                assertThat(view.path("queue_position").asInt()).isEqualTo(2);
                // 40 s × position 2 ÷ 2 live slots
                assertThat(view.path("estimated_wait_seconds").asLong()).isEqualTo(40);
            });
            assertThat(app.get("/api/v1/tasks/" + first)
                            .data()
                            .path("estimated_wait_seconds")
                            .isNull())
                    .isTrue();
        } finally {
            TestKafka.workerLeaves(worker);
        }
    }

    private static String submit(ApiClient app) {
        ApiClient.Answer answer = app.postJson("/api/v1/tasks", "{\"task_type\":\"estimate_test\",\"payload\":{}}");
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(202);
        return answer.data().path("request_id").asString();
    }
}
