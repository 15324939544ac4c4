package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.gateway.support.Tasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@GatewayIntegrationTest
class LegacyWorkerBridgeIT {

    @LocalServerPort
    int port;

    String url() {
        return "ws://127.0.0.1:" + port + "/dsp";
    }

    @Test
    void aTaskWaitingWhileNoWorkerIsOnlineIsDeliveredOnceInTheLegacyShapeAndItsResultRecorded() {
        String license = "LIC-" + UUID.randomUUID();
        TaskRequested task = Tasks.deleteAsset(license, 123);
        KafkaProbe.dispatch(List.of(task));

        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.requestIds().contains(task.getRequestId()));
            JsonNode job = worker.jobs().stream()
                    .filter(j -> j.path("request_id").asString().equals(task.getRequestId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(job.path("type").asString()).isEqualTo("gpu.job.submit");
            assertThat(job.path("task_type").asString()).isEqualTo("delete_asset");
            assertThat(job.path("key").asString()).isEqualTo(license);
            assertThat(job.path("sender_fd").asLong()).isZero();
            assertThat(job.path("payload").path("id").asLong()).isEqualTo(123);
            assertThat(job.path("payload").path("license_key").asString()).isEqualTo(license);

            List<TaskEvent> events = KafkaProbe.values(
                    Topics.TASK_EVENTS,
                    2,
                    Duration.ofSeconds(15),
                    e -> e.getRequestId().equals(task.getRequestId()));
            assertThat(events)
                    .extracting(TaskEvent::getType)
                    .containsExactly(TaskEventType.STARTED, TaskEventType.SUCCEEDED);
            assertThat(events.get(1).getResultJson()).contains("删除成功");
            assertThat(events.get(1).getWorkerId()).startsWith("gateway-");
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> worker.requestIds().stream()
                                    .filter(task.getRequestId()::equals)
                                    .count()
                            == 1);
        }
    }

    @Test
    void aTaskDeliveredAgainAfterItsOutcomeWasRecordedIsNotHandedToALegacyWorkerTwice() {
        TaskRequested task = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 321);
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
            KafkaProbe.dispatch(List.of(task));
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            2,
                            Duration.ofSeconds(30),
                            e -> e.getRequestId().equals(task.getRequestId())))
                    .extracting(TaskEvent::getType)
                    .containsExactly(TaskEventType.STARTED, TaskEventType.SUCCEEDED);
            // a replay (or a redelivery whose acknowledgement was lost) of the same task
            TaskRequested marker = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 322);
            KafkaProbe.dispatch(List.of(task, marker));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.requestIds().contains(marker.getRequestId()));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> worker.requestIds().stream()
                                    .filter(task.getRequestId()::equals)
                                    .count()
                            == 1);
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            3,
                            Duration.ofSeconds(3),
                            e -> e.getRequestId().equals(task.getRequestId())))
                    .hasSize(2);
        }
    }

    @Test
    void aWorkerErrorIsRecordedAsAFailedStepWithTheLegacyErrorText() {
        TaskRequested task = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 7);
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.FAIL)) {
            KafkaProbe.dispatch(List.of(task));
            List<TaskEvent> events = KafkaProbe.values(
                    Topics.TASK_EVENTS,
                    2,
                    Duration.ofSeconds(30),
                    e -> e.getRequestId().equals(task.getRequestId()));
            assertThat(events)
                    .extracting(TaskEvent::getType)
                    .containsExactly(TaskEventType.STARTED, TaskEventType.FAILED);
            assertThat(events.get(1).getError().getMessage()).isEqualTo("缺少 id 或 license_key");
        }
    }

    @Test
    void aTaskWhoseWorkerDisconnectsMidTaskIsRedeliveredToTheOtherWorkerWithinSeconds() {
        TaskRequested task = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 9);
        FakeLegacyWorker slow = FakeLegacyWorker.connect(
                url(), Mode.SUCCEED, "{\"type\":\"register\",\"role\":\"worker\",\"slots\":1}");
        slow.hold(task.getRequestId());
        try {
            KafkaProbe.dispatch(List.of(task));
            // Up to a lock duration (30 s) more: a closing slot of an earlier test's worker may have fetched the record
            // ahead of its poll and left it locked (seen in CI; the closing note of issue 15 has the details).
            await().atMost(Duration.ofSeconds(60)).until(() -> slow.requestIds().contains(task.getRequestId()));
            try (FakeLegacyWorker other = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
                // the other worker's slots join the group first, so the redelivery is measured from the drop alone
                await().during(Duration.ofSeconds(6))
                        .atMost(Duration.ofSeconds(8))
                        .until(() -> !other.requestIds().contains(task.getRequestId()));
                long dropped = System.nanoTime();
                slow.close();
                // Bounded generously: the other worker's slots may still be joining the share group on a busy machine,
                // and a slot waits up to open-attempt-wait (10 s) for the vanished worker's open attempt (ADR 006).
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> other.requestIds().contains(task.getRequestId()));
                // Measured, not asserted (no wall-clock assertions in tests): typically well under a second.
                System.out.printf(
                        "redelivery after the worker dropped: %d ms%n", (System.nanoTime() - dropped) / 1_000_000);
                List<TaskEvent> events = KafkaProbe.values(
                        Topics.TASK_EVENTS,
                        3,
                        Duration.ofSeconds(15),
                        e -> e.getRequestId().equals(task.getRequestId()));
                assertThat(events)
                        .extracting(TaskEvent::getType)
                        .containsExactly(TaskEventType.STARTED, TaskEventType.STARTED, TaskEventType.SUCCEEDED);
                assertThat(events.get(1).getDeliveryCount()).isGreaterThanOrEqualTo(2);
            }
        } finally {
            slow.close();
        }
    }

    @Test
    void twoWorkersRunFiveHundredTasksEachExactlyOnce() {
        String license = "LIC-" + UUID.randomUUID();
        List<TaskRequested> tasks = IntStream.range(0, 500)
                .mapToObj(i -> Tasks.deleteAsset(license, i))
                .toList();
        try (FakeLegacyWorker a = FakeLegacyWorker.connect(url(), Mode.SUCCEED);
                FakeLegacyWorker b = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
            KafkaProbe.dispatch(tasks);
            Set<String> ours = tasks.stream().map(TaskRequested::getRequestId).collect(Collectors.toSet());
            await().atMost(Duration.ofSeconds(50))
                    .until(() -> ours(a, ours).size() + ours(b, ours).size() >= 500);
            List<String> all = new ArrayList<>(ours(a, ours));
            all.addAll(ours(b, ours));
            assertThat(all).hasSize(500).doesNotHaveDuplicates();
            assertThat(ours(a, ours)).as("worker a took a share").isNotEmpty();
            assertThat(ours(b, ours)).as("worker b took a share").isNotEmpty();
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            500,
                            Duration.ofSeconds(20),
                            e -> ours.contains(e.getRequestId()) && e.getType() == TaskEventType.SUCCEEDED))
                    .hasSize(500);
        }
    }

    @Test
    void aConnectedWorkerIsAnnouncedAsLegacyWithItsDeclaredSlotsAndWithdrawnWhenItLeaves() {
        FakeLegacyWorker worker = FakeLegacyWorker.connect(
                url(), Mode.SUCCEED, "{\"type\":\"register\",\"role\":\"worker\",\"slots\":2}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !KafkaProbe.entries(
                                Topics.WORKERS, Duration.ofSeconds(1), k -> k.startsWith("gateway-"), 1)
                        .isEmpty());
        worker.close();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            List<Map.Entry<String, WorkerPresence>> records =
                    KafkaProbe.entries(Topics.WORKERS, Duration.ofSeconds(3), k -> k.startsWith("gateway-"), 1_000);
            Map<String, List<WorkerPresence>> byWorker = new java.util.HashMap<>();
            records.forEach(e ->
                    byWorker.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
            assertThat(byWorker.values()).anySatisfy(history -> {
                assertThat(history.get(0)).isNotNull();
                assertThat(history.get(0).getKind()).isEqualTo(WorkerKind.LEGACY);
                assertThat(history.get(0).getSlots()).isEqualTo(2);
                assertThat(history.get(0).getLane()).isEqualTo("gpu");
                assertThat(history.get(history.size() - 1)).isNull();
            });
        });
    }

    private static List<String> ours(FakeLegacyWorker worker, Set<String> ours) {
        return worker.requestIds().stream().filter(ours::contains).toList();
    }
}
