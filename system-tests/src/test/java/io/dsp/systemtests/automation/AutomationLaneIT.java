package io.dsp.systemtests.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.intake.ClientRequestIds;
import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.gateway.GatewayApplication;
import io.dsp.testkit.LegacySocket;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.Services;
import io.dsp.testkit.legacy.AutomationWorkerReplica;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The automation lane end to end, with the unchanged {@code ws_worker.py} (its replica: bare register, no request id in
 * its answers): dispatcher plus two gateway instances against the test broker. A {@code url} or {@code chatglm_video}
 * frame becomes a durable task, waits while no automation worker is online, runs once on one automation worker on any
 * instance, and its answer reaches the sender in the legacy shape.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AutomationLaneIT {

    private static final List<ConfigurableApplicationContext> started = new ArrayList<>();
    private static String gatewayA;
    private static String gatewayB;

    @BeforeAll
    static void startDispatcherAndTwoGateways() {
        started.add(Services.start(DispatcherApplication.builder(), java.util.Map.of()));
        gatewayA = dsp(Services.start(GatewayApplication.builder(), java.util.Map.of()));
        gatewayB = dsp(Services.start(GatewayApplication.builder(), java.util.Map.of()));
    }

    private static String dsp(ConfigurableApplicationContext gateway) {
        started.add(gateway);
        return "ws://127.0.0.1:"
                + ((WebServerApplicationContext) gateway).getWebServer().getPort() + "/dsp";
    }

    @AfterAll
    static void stop() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    @Test
    @Order(1) // first: no automation worker has been online yet
    void aUrlSentWhileNoAutomationWorkerIsOnlineWaitsRunsOnceWhenOneRegistersAndItsResultReachesTheSender() {
        String license = license();
        try (Client app = Client.register(gatewayA, license)) {
            String video = "https://example.invalid/v/" + UUID.randomUUID();
            JsonNode answer = app.send("{\"type\":\"url\",\"url\":\"" + video + "\"}");
            assertThat(answer.path("type").asString())
                    .as("queued, not refused: %s", answer)
                    .isEqualTo("gpu.power.offline");
            String requestId = answer.path("request_id").asString();

            try (AutomationWorkerReplica worker = AutomationWorkerReplica.connect(gatewayA)) {
                JsonNode result = app.awaitFrame("result", requestId);
                assertThat(result.path("content").asString()).isEqualTo("转写: " + video);
                assertThat(result.has("error")).isFalse();
                assertThat(worker.tasks())
                        .filteredOn(t -> t.path("url").asString().equals(video))
                        .singleElement()
                        .satisfies(t -> assertThat(t.path("key").asString()).isEqualTo(license));
                assertThat(app.quietFor("result", Duration.ofSeconds(2)))
                        .as("one result only")
                        .isTrue();
            }
        }
    }

    @Test
    void aChatGlmTaskIsRedeliveredToASecondAutomationWorkerOnAnotherInstanceWhenTheFirstDropsMidTask() {
        String license = license();
        try (Client app = Client.register(gatewayA, license);
                AutomationWorkerReplica first = AutomationWorkerReplica.connect(
                        gatewayA, AutomationWorkerReplica.Options.defaults().silent())) {
            await().atMost(Duration.ofSeconds(10)).until(first::registered);
            String requestId = "pip_" + UUID.randomUUID();
            JsonNode ack = app.send(
                    "{\"type\":\"chatglm_video\",\"content\":\"一只猫在弹钢琴\",\"request_id\":\"" + requestId + "\"}");
            assertThat(ack.path("type").asString()).isIn("ack", "gpu.power.offline");
            // the worker knows the task by the id scoped to the license that chose it (ADR 015)
            String internal = ClientRequestIds.scoped(license, requestId);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> first.tasks().stream()
                            .anyMatch(t -> t.path("request_id").asString().equals(internal)));

            first.close(); // dies mid-task: the task goes back to the automation fleet and waits there
            try (AutomationWorkerReplica second = AutomationWorkerReplica.connect(gatewayB)) {
                await().atMost(Duration.ofSeconds(10)).until(second::registered);
                JsonNode result = app.awaitFrame("chatglm_video_result", requestId);
                assertThat(result.path("video_url").asString()).startsWith("https://video.example.invalid/");
                assertThat(second.tasks())
                        .filteredOn(t -> t.path("request_id").asString().equals(internal))
                        .singleElement()
                        .satisfies(t -> {
                            assertThat(t.path("content").asString()).isEqualTo("一只猫在弹钢琴");
                            assertThat(t.path("key").asString()).isEqualTo(license);
                        });
            }
        }
    }

    @Test
    void anAutomationWorkerRunsOneTranscriptionAtATimeAndAnswersInOrder() {
        String license = license();
        try (AutomationWorkerReplica worker = AutomationWorkerReplica.connect(
                        gatewayB, AutomationWorkerReplica.Options.defaults().withWorkTime(Duration.ofMillis(700)));
                Client app = Client.register(gatewayA, license)) {
            await().atMost(Duration.ofSeconds(10)).until(worker::registered);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(app.send("{\"type\":\"url\",\"url\":\"https://example.invalid/v/" + i + "\"}")
                        .path("request_id")
                        .asString());
            }
            for (int i = 0; i < 3; i++) {
                assertThat(app.awaitFrame("result", ids.get(i)).path("content").asString())
                        .isEqualTo("转写: https://example.invalid/v/" + i);
            }
            assertThat(worker.mostAtOnce("url")).isEqualTo(1);
        }
    }

    @Test
    void aGpuTaskWaitsWhileOnlyAutomationWorkersAreOnlineAndTheyAreNeverGivenIt() {
        String license = license();
        try (AutomationWorkerReplica worker = AutomationWorkerReplica.connect(gatewayA);
                Client app = Client.register(gatewayB, license)) {
            await().atMost(Duration.ofSeconds(10)).until(worker::registered);
            JsonNode answer =
                    app.send("{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"payload\":{\"id\":3}}");
            assertThat(answer.path("type").asString()).isEqualTo("gpu.power.offline");
            assertThat(app.quietFor("gpu.job.result", Duration.ofSeconds(3))).isTrue();
            assertThat(worker.received())
                    .noneMatch(f -> f.path("type").asString().startsWith("gpu.job"));
        }
    }

    private static String license() {
        String license = "auto-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        return license;
    }

    /** An app on the WebSocket that keeps every frame it receives. */
    private static final class Client implements AutoCloseable {
        private final LegacySocket socket;
        private final List<JsonNode> frames = new CopyOnWriteArrayList<>();

        private Client(LegacySocket socket) {
            this.socket = socket;
        }

        static Client register(String dsp, String license) {
            Client client = new Client(LegacySocket.connect(dsp));
            client.socket.send("{\"type\":\"register\",\"key\":\"" + license + "\",\"device_type\":\"mobile\"}");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> client.socket.next().path("type").asString().equals("registered"));
            return client;
        }

        /** Sends a frame and returns the first answer that is not a broadcast. */
        JsonNode send(String frame) {
            socket.send(frame);
            while (true) {
                JsonNode next = socket.next();
                String type = next.path("type").asString();
                if (type.equals("ack") || type.equals("error") || type.equals("gpu.power.offline")) {
                    return next;
                }
                frames.add(next);
            }
        }

        JsonNode awaitFrame(String type, String requestId) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
                if (matching(type, requestId) != null) {
                    return true;
                }
                if (!socket.quietFor(Duration.ofMillis(200))) {
                    frames.add(socket.next());
                }
                return matching(type, requestId) != null;
            });
            return matching(type, requestId);
        }

        boolean quietFor(String type, Duration duration) {
            long end = System.nanoTime() + duration.toNanos();
            int before = (int) frames.stream()
                    .filter(f -> f.path("type").asString().equals(type))
                    .count();
            while (System.nanoTime() < end) {
                if (!socket.quietFor(Duration.ofMillis(100))) {
                    frames.add(socket.next());
                }
            }
            return frames.stream()
                            .filter(f -> f.path("type").asString().equals(type))
                            .count()
                    == before;
        }

        private JsonNode matching(String type, String requestId) {
            return frames.stream()
                    .filter(f -> f.path("type").asString().equals(type)
                            && f.path("request_id").asString().equals(requestId))
                    .findFirst()
                    .orElse(null);
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
