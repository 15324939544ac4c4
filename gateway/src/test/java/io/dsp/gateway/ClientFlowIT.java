package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.intake.ClientRequestIds;
import io.dsp.core.license.LicenseKeys;
import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.gateway.support.Tasks;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.LegacySocket;
import io.dsp.testkit.Licenses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@GatewayIntegrationTest
class ClientFlowIT {

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    io.dsp.gateway.routing.EventRouter router;

    String url() {
        return "ws://127.0.0.1:" + port + "/dsp";
    }

    @Test
    void aTaskSubmittedOfflineIsQueuedTriggersABootAndItsResultReachesTheSubmittingConnectionTwice() {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        try (LegacySocket monitor = LegacySocket.connect(url());
                LegacySocket client = LegacySocket.connect(url());
                LegacySocket otherDevice = LegacySocket.connect(url())) {
            monitor.next();
            assertThat(monitor.send("{\"type\":\"register\",\"role\":\"gpu_monitor\"}")
                            .next()
                            .path("type")
                            .asString())
                    .isEqualTo("registered");
            long clientFd = client.next().path("fd").asLong();
            assertThat(client.send("{\"type\":\"register\",\"key\":\"" + license + "\",\"device_type\":\"pc\"}")
                            .next()
                            .path("type")
                            .asString())
                    .isEqualTo("registered");
            otherDevice.next();
            otherDevice
                    .send("{\"type\":\"register\",\"key\":\"" + license + "\",\"device_type\":\"mobile\"}")
                    .next();

            JsonNode offline = client.send("{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\","
                            + "\"request_id\":\"ws-" + UUID.randomUUID() + "\",\"payload\":{\"id\":42}}")
                    .next();
            assertThat(offline.path("type").asString()).isEqualTo("gpu.power.offline");
            assertThat(offline.path("data").path("status").asString()).isEqualTo("offline");
            String requestId = offline.path("request_id").asString();

            JsonNode bootTrigger = monitor.next();
            assertThat(bootTrigger.path("type").asString()).isEqualTo("gpu.job.submit");
            assertThat(bootTrigger.path("task_type").asString()).isEqualTo("delete_asset");
            // a monitor learns that work came, never whose license it is (masked)
            assertThat(bootTrigger.path("key").asString()).isEqualTo(LicenseKeys.mask(license));

            List<TaskRequested> queued =
                    KafkaProbe.forward(TenantTopics.topicName(license), TenantTopics.forLicense(license), 1);
            assertThat(queued).singleElement().satisfies(task -> {
                assertThat(task.getRequestId()).isEqualTo(ClientRequestIds.scoped(license, requestId));
                assertThat(task.getOrigin().getChannel()).isEqualTo(TaskChannel.WEBSOCKET);
                assertThat(task.getOrigin().getConnectionId()).isEqualTo(String.valueOf(clientFd));
            });

            try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
                List<String> types = new ArrayList<>();
                List<JsonNode> results = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    JsonNode frame = client.next();
                    types.add(frame.path("type").asString());
                    if (frame.path("request_id").asString().equals(requestId)) {
                        results.add(frame);
                    }
                    return results.size() == 2;
                });
                assertThat(types).startsWith("gpu_online", "gpu.power.online").containsOnlyOnce("gpu.power.online");
                assertThat(results)
                        .extracting(r -> r.path("type").asString())
                        .containsExactly("gpu.job.result", "gpu_task_result");
                assertThat(results.get(0).path("result").path("id").asLong()).isEqualTo(42);
                assertThat(results.get(0).has("sender_fd")).isFalse();
                assertThat(worker.jobs()).anySatisfy(job -> {
                    assertThat(job.path("request_id").asString())
                            .isEqualTo(ClientRequestIds.scoped(license, requestId));
                    assertThat(job.path("sender_fd").asLong()).isEqualTo(clientFd);
                });
                // the result went to the sending connection only, not to the license's other device
                assertThat(drain(otherDevice))
                        .noneMatch(f -> f.path("request_id").asString().equals(requestId));
            }
            JsonNode offlineAgain = client.next();
            assertThat(offlineAgain.path("type").asString()).isEqualTo("gpu.power.offline");
        }
    }

    @Test
    void aResultThatEndsWhileItsLicenseHasNoClientHereReachesTheLicensesNextClient() {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        TaskRequested task = Tasks.deleteAsset(license, 7);
        java.time.Instant now = java.time.Instant.now();
        // the task ends while no client of the license is connected (a cut, a gateway restart)
        KafkaProbe.events(List.of(
                TaskEvents.about(task, TaskEventType.ACCEPTED, "asset-api", now).build(),
                TaskEvents.about(task, TaskEventType.SUCCEEDED, "gpu-consumer", now.plusMillis(5))
                        .setWorkerId("w-away")
                        .setResultJson("{\"id\":7}")
                        .build()));
        await().atMost(Duration.ofSeconds(30)).until(() -> router.resultsAwaitingAClient() > 0);
        try (LegacySocket client = LegacySocket.connect(url())) {
            client.next();
            assertThat(client.send("{\"type\":\"register\",\"key\":\"" + license + "\",\"device_type\":\"pc\"}")
                            .next()
                            .path("type")
                            .asString())
                    .isEqualTo("registered");

            List<JsonNode> results = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode frame = client.next();
                if (frame.path("request_id").asString().equals(task.getRequestId())) {
                    results.add(frame);
                }
                return results.size() == 2;
            });
            assertThat(results)
                    .extracting(r -> r.path("type").asString())
                    .containsExactly("gpu.job.result", "gpu_task_result");
            assertThat(results.get(0).path("result").path("id").asLong()).isEqualTo(7);
        }
        // claimed once: the license's next client gets it no more
        try (LegacySocket again = LegacySocket.connect(url())) {
            again.next();
            again.send("{\"type\":\"register\",\"key\":\"" + license + "\",\"device_type\":\"pc\"}")
                    .next();
            assertThat(drain(again))
                    .noneMatch(f -> f.path("request_id").asString().equals(task.getRequestId()));
        }
    }

    @Test
    void aDoubleSynthesisSubmitOfOneLicenseGetsTheLegacyGuardErrorAndQueuesNothing() {
        String license = "LIC-" + UUID.randomUUID();
        String other = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        Licenses.provisionActive(other);
        String synthesis = "{\"type\":\"gpu.job.submit\",\"task_type\":\"heygem_submit\",\"request_id\":\"%s\","
                + "\"payload\":{\"audio_hash\":\"a1\",\"audio_ext\":\".wav\",\"video_hash\":\"v1\","
                + "\"video_ext\":\".mp4\"}}";
        try (LegacySocket client = LegacySocket.connect(url());
                LegacySocket otherClient = LegacySocket.connect(url())) {
            client.next();
            client.send("{\"type\":\"register\",\"key\":\"" + license + "\"}").next();
            otherClient.next();
            otherClient
                    .send("{\"type\":\"register\",\"key\":\"" + other + "\"}")
                    .next();
            String first = "hg-" + UUID.randomUUID();
            String second = "hg-" + UUID.randomUUID();
            assertThat(client.send(synthesis.formatted(first))
                            .next()
                            .path("type")
                            .asString())
                    .isIn("ack", "gpu.power.offline");

            JsonNode refused = client.send(synthesis.formatted(second)).next();
            assertThat(refused.path("type").asString()).isEqualTo("error");
            assertThat(refused.path("msg").asString()).startsWith("任务处理中，请等待完成（已用时 ");
            assertThat(refused.path("old_request_id").asString()).isEqualTo(first);
            assertThat(refused.path("task_type").asString()).isEqualTo("heygem_submit");

            assertThat(otherClient
                            .send(synthesis.formatted("hg-" + UUID.randomUUID()))
                            .next()
                            .path("type")
                            .asString())
                    .as("another license is not held back")
                    .isIn("ack", "gpu.power.offline");
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            1,
                            Duration.ofSeconds(3),
                            e -> e.getRequestId().equals(ClientRequestIds.scoped(license, second))))
                    .as("the refused submit recorded nothing")
                    .isEmpty();
        }
    }

    @Test
    void workerFramesFromAClientAndBadSubmitsGetAnErrorAndChangeNothing() {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        try (LegacySocket client = LegacySocket.connect(url())) {
            client.next();
            client.send("{\"type\":\"register\",\"key\":\"" + license + "\"}").next();
            for (String frame : List.of(
                    "{\"type\":\"gpu.job.result\",\"request_id\":\"x\",\"result\":{}}",
                    "{\"type\":\"gpu.status.response\",\"status\":\"running\"}",
                    "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"payload\":{}}",
                    "{\"type\":\"gpu.job.submit\",\"payload\":{\"id\":1}}",
                    "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"payload\":[1]}",
                    "{\"type\":\"mobile_task\",\"task_type\":\"x\"}",
                    "{\"type\":\"gpu.job.dispatch.batch\",\"data\":{\"jobs\":[]}}",
                    "{\"type\":\"register\",\"role\":\"worker\"}",
                    "{\"type\": broken")) {
                JsonNode answer = client.send(frame).next();
                assertThat(answer.path("type").asString()).as(frame).isEqualTo("error");
                assertThat(answer.path("message").asString()).as(frame).isNotBlank();
            }
            client.send("x".repeat(70_000));
            assertThat(client.next().path("message").asString()).contains("消息过大");
        }
        assertThat(KafkaProbe.values(TenantTopics.forLicense(license), 1, Duration.ofSeconds(2), t -> true))
                .isEmpty();
    }

    @Test
    void aFrameLongerThanTheContainersBufferIsReadWholeAndAnAbsurdOneClosesTheConnection() throws Exception {
        try (LegacySocket client = LegacySocket.connect(url())) {
            client.next();
            // 40 KiB: five parts of the container's 8 KiB buffer, joined into one frame within the 64 KiB limit.
            client.send("{\"type\":\"ping\",\"pad\":\"" + "p".repeat(40 * 1024) + "\"}");
            assertThat(client.next().path("type").asString()).isEqualTo("pong");
        }
        java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket socket = java.net.http.HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(java.net.URI.create(url()), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(
                            java.net.http.WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }
                })
                .join();
        socket.sendText("x".repeat(300_000), true);
        assertThat(closed.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1009);
    }

    private static List<JsonNode> drain(LegacySocket socket) {
        List<JsonNode> frames = new ArrayList<>();
        while (!socket.quietFor(Duration.ofMillis(300))) {
            frames.add(socket.next());
        }
        return frames;
    }
}
