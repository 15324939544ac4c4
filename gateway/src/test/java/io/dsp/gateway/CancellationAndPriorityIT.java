package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.intake.ClientRequestIds;
import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.gateway.support.Tasks;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.LegacySocket;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.TopicTail;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@GatewayIntegrationTest
class CancellationAndPriorityIT {

    @LocalServerPort
    int port;

    String url() {
        return "ws://127.0.0.1:" + port + "/dsp";
    }

    @Test
    void aHighPrioritySubmitGoesToTheHighTopicAndItsAcceptanceCarriesPriorityAndOrigin() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        try (TopicTail<String, TaskEvent> events = TopicTail.fromEnd(Topics.TASK_EVENTS);
                LegacySocket client = client(license)) {
            String requestId = "hi-" + UUID.randomUUID();
            client.send("{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"priority\":\"high\","
                    + "\"request_id\":\"" + requestId + "\",\"payload\":{\"id\":3}}");
            assertThat(client.next().path("request_id").asString()).isEqualTo(requestId);
            List<TaskRequested> high = KafkaProbe.values(
                    TenantTopics.forLicense(license, Priority.HIGH), 1, Duration.ofSeconds(20), t -> true);
            assertThat(high)
                    .singleElement()
                    .satisfies(t -> assertThat(t.getPriority()).isEqualTo(Priority.HIGH));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> events.values().stream()
                            .anyMatch(e -> e.getRequestId().equals(ClientRequestIds.scoped(license, requestId))
                                    && e.getType() == TaskEventType.ACCEPTED));
            TaskEvent accepted = events.values().stream()
                    .filter(e -> e.getRequestId().equals(ClientRequestIds.scoped(license, requestId))
                            && e.getType() == TaskEventType.ACCEPTED)
                    .findFirst()
                    .orElseThrow();
            assertThat(accepted.getPriority()).isEqualTo(Priority.HIGH);
            assertThat(accepted.getOrigin().getChannel()).isEqualTo(TaskChannel.WEBSOCKET);
            assertThat(accepted.getOrigin().getNodeId()).startsWith("gateway-");

            JsonNode refused = client.send("{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\","
                            + "\"priority\":\"urgent\",\"payload\":{\"id\":3}}")
                    .next();
            assertThat(refused.path("type").asString()).isEqualTo("error");
            assertThat(refused.path("message").asString()).contains("priority");
            assertThat(KafkaProbe.values(TenantTopics.forLicense(license), 1, Duration.ofSeconds(2), t -> true))
                    .isEmpty();
        }
    }

    @Test
    void highPrioritySubmissionsOverTheLicensesQuotaAreRefusedAndWriteNothing() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        int accepted = 0;
        int refused = 0;
        try (LegacySocket client = client(license)) {
            // 25 within seconds span at most two 1-minute windows of 10 each, so at least 5 must be refused.
            for (int i = 0; i < 25; i++) {
                client.send("{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\","
                        + "\"priority\":\"high\",\"payload\":{\"id\":" + (i + 1) + "}}");
                JsonNode answer = answerTo(client);
                if ("error".equals(answer.path("type").asString())) {
                    assertThat(answer.path("message").asString()).contains("高优先级");
                    refused++;
                } else {
                    accepted++;
                }
            }
            // A normal submission is not counted against the high quota.
            client.send("{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"payload\":{\"id\":99}}");
            assertThat(answerTo(client).path("type").asString()).isNotEqualTo("error");
        }
        assertThat(refused).isGreaterThanOrEqualTo(5);
        assertThat(KafkaProbe.values(
                        TenantTopics.forLicense(license, Priority.HIGH),
                        accepted + 1,
                        Duration.ofSeconds(5),
                        t -> true))
                .hasSize(accepted);
    }

    @Test
    void aRunningTaskCancelledByItsOwnerEndsCancelledIsNotRedeliveredAndItsLateResultIsNotASuccess() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        String stranger = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        Licenses.provisionActive(stranger);
        String requestId = "cancel-" + UUID.randomUUID();
        // what the worker, the events and the ledger know it by: scoped to the license that chose it (ADR 015)
        String internal = ClientRequestIds.scoped(license, requestId);
        try (TopicTail<String, TaskEvent> events = TopicTail.fromEnd(Topics.TASK_EVENTS);
                LegacySocket client = client(license);
                LegacySocket other = client(stranger);
                FakeLegacyWorker worker = FakeLegacyWorker.connect(
                        url(), Mode.SUCCEED, "{\"type\":\"register\",\"role\":\"worker\",\"slots\":1}")) {
            worker.hold(internal);
            client.send("{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"request_id\":\"" + requestId
                    + "\",\"payload\":{\"id\":11}}");
            // The submission's own answer comes first: an ack when the gateway already counts the worker's slot as
            // online, a power-offline notice when its presence has not reached it yet. Either way it is consumed here
            // so that it is not taken for the cancellation's ack below (CI: "已提交到GPU服务器" read as the cancel ack).
            assertThat(answerTo(client).path("type").asString()).isIn("ack", "gpu.power.offline");
            KafkaProbe.forward(TenantTopics.topicName(license), TenantTopics.forLicense(license), 1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.requestIds().contains(internal));

            // a stranger naming the same id names its own (non-existent) task: the running one is untouched
            other.send("{\"type\":\"gpu.job.cancel\",\"request_id\":\"" + requestId + "\"}");
            other.send("{\"type\":\"gpu.job.cancel\",\"request_id\":\"" + internal + "\"}");
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> !types(events, internal).contains(TaskEventType.CANCELLED));

            long asked = System.nanoTime();
            JsonNode ack = awaitFrame(
                    client.send("{\"type\":\"gpu.job.cancel\",\"request_id\":\"" + requestId + "\"}"),
                    "ack",
                    requestId);
            assertThat(ack.path("msg").asString()).isEqualTo("已请求取消");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> worker.others().stream()
                            .anyMatch(f -> f.path("type").asString().equals("gpu.job.cancel")
                                    && f.path("request_id").asString().equals(internal)));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> types(events, internal).contains(TaskEventType.CANCELLED));
            System.out.printf(
                    "cancel frame -> CANCELLED event of a running legacy task: %d ms%n",
                    (System.nanoTime() - asked) / 1_000_000);
            JsonNode result = awaitFrame(client, "gpu.job.result", requestId);
            assertThat(result.path("error").asBoolean()).isTrue();

            // The worker ignores the cancel and answers late: recorded, never delivered as a success.
            worker.send("{\"type\":\"gpu.job.result\",\"task_type\":\"delete_asset\",\"request_id\":\"" + internal
                    + "\",\"key\":\"" + license + "\",\"sender_fd\":0,\"error\":false,\"result\":{\"id\":11}}");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> events.values().stream()
                            .anyMatch(e -> e.getRequestId().equals(internal)
                                    && e.getType() == TaskEventType.PROGRESS
                                    && "discarded".equals(e.getProgress().getStatus())));
            assertThat(types(events, internal))
                    .doesNotContain(TaskEventType.SUCCEEDED)
                    .containsOnlyOnce(TaskEventType.CANCELLED);
            // Only the cancellation's own result frames (error true) ever reach the client.
            assertThat(drain(client))
                    .noneMatch(f -> (f.path("request_id").asString().equals(requestId)
                                    && !f.path("error").asBoolean(false))
                            || f.path("task_id").asString().equals(requestId));
            assertThat(worker.others()).noneMatch(f -> f.path("type").asString().equals("error"));

            try (FakeLegacyWorker second = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
                await().during(Duration.ofSeconds(4))
                        .atMost(Duration.ofSeconds(6))
                        .until(() -> !second.requestIds().contains(internal));
            }
        }
    }

    @Test
    void aCommandOfAnotherLicenseDoesNotStopARunningTask() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        TaskRequested task = Tasks.deleteAsset(license, 12);
        try (TopicTail<String, TaskEvent> events = TopicTail.fromEnd(Topics.TASK_EVENTS);
                FakeLegacyWorker worker = FakeLegacyWorker.connect(
                        url(), Mode.SUCCEED, "{\"type\":\"register\",\"role\":\"worker\",\"slots\":1}")) {
            worker.hold(task.getRequestId());
            KafkaProbe.dispatch(List.of(task));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.requestIds().contains(task.getRequestId()));
            KafkaProbe.cancel(task.getRequestId(), "LIC-someone-else");
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !types(events, task.getRequestId()).contains(TaskEventType.CANCELLED));
            assertThat(worker.others()).noneMatch(f -> f.path("type").asString().equals("gpu.job.cancel"));
            worker.send("{\"type\":\"gpu.job.result\",\"task_type\":\"delete_asset\",\"request_id\":\""
                    + task.getRequestId() + "\",\"key\":\"" + license
                    + "\",\"sender_fd\":0,\"error\":false,\"result\":{\"id\":12}}");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> types(events, task.getRequestId()).contains(TaskEventType.SUCCEEDED));
        }
    }

    @Test
    void aTaskCancelledAfterItsReleaseIsNeverHandedToAWorker() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        TaskRequested task = Tasks.deleteAsset(license, 13);
        try (TopicTail<String, TaskEvent> events = TopicTail.fromEnd(Topics.TASK_EVENTS)) {
            KafkaProbe.cancel(task.getRequestId(), license);
            KafkaProbe.dispatch(List.of(task));
            try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> types(events, task.getRequestId()).contains(TaskEventType.CANCELLED));
                assertThat(worker.requestIds()).doesNotContain(task.getRequestId());
            }
        }
    }

    private static List<TaskEventType> types(TopicTail<String, TaskEvent> events, String requestId) {
        return events.values().stream()
                .filter(e -> e.getRequestId().equals(requestId))
                .map(TaskEvent::getType)
                .toList();
    }

    /** The answer to a submit: an error, or an ack / offline notice naming its request (broadcasts are skipped). */
    private static JsonNode answerTo(LegacySocket client) {
        while (true) {
            JsonNode frame = client.next();
            String type = frame.path("type").asString();
            boolean names = !frame.path("request_id").asString("").isEmpty();
            if (type.equals("error") || (names && (type.equals("ack") || type.equals("gpu.power.offline")))) {
                return frame;
            }
        }
    }

    private LegacySocket client(String license) {
        LegacySocket socket = LegacySocket.connect(url());
        socket.next();
        assertThat(socket.send("{\"type\":\"register\",\"key\":\"" + license + "\"}")
                        .next()
                        .path("type")
                        .asString())
                .isEqualTo("registered");
        return socket;
    }

    private static JsonNode awaitFrame(LegacySocket socket, String type, String requestId) {
        return MultiInstanceIT.awaitFrame(socket, type, requestId);
    }

    private static List<JsonNode> drain(LegacySocket socket) {
        List<JsonNode> frames = new java.util.ArrayList<>();
        while (!socket.quietFor(Duration.ofMillis(1500))) {
            frames.add(socket.next());
        }
        return frames;
    }
}
