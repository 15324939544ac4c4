package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
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
            assertThat(bootTrigger.path("key").asString()).isEqualTo(license);

            List<TaskRequested> queued =
                    KafkaProbe.forward(TenantTopics.topicName(license), TenantTopics.forLicense(license), 1);
            assertThat(queued).singleElement().satisfies(task -> {
                assertThat(task.getRequestId()).isEqualTo(requestId);
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
                    assertThat(job.path("request_id").asString()).isEqualTo(requestId);
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
