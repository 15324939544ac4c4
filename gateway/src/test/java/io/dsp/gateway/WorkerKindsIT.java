package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.intake.ClientRequestIds;
import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Lane;
import io.dsp.testkit.LegacySocket;
import io.dsp.testkit.Licenses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The unchanged fleet's other members: ws_worker.py (automation) and the PC boot helper (observer). */
@GatewayIntegrationTest
class WorkerKindsIT {

    /** Exactly what ws_worker.py sends (legacy spec, section 2). */
    static final String WS_WORKER_REGISTER = "{\"type\":\"register\",\"role\":\"worker\"}";

    @LocalServerPort
    int port;

    String url() {
        return "ws://127.0.0.1:" + port + "/dsp";
    }

    @Test
    void aWorkerRegisteringLikeWsWorkerGetsNoGpuTaskLeavesTheGpuOfflineAndStillGetsItsUrlTasks() {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        try (FakeLegacyWorker automation = FakeLegacyWorker.connect(url(), Mode.SUCCEED, WS_WORKER_REGISTER);
                LegacySocket client = LegacySocket.connect(url())) {
            client.next();
            client.send("{\"type\":\"register\",\"key\":\"" + license + "\"}").next();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> automation.others().stream()
                            .anyMatch(f -> f.path("type").asString().equals("registered")));

            String requestId = "ws-" + UUID.randomUUID();
            JsonNode answer = client.send("{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\","
                            + "\"request_id\":\"" + requestId + "\",\"payload\":{\"id\":7}}")
                    .next();
            assertThat(answer.path("type").asString())
                    .as("an automation worker is no GPU: the task is queued as offline")
                    .isEqualTo("gpu.power.offline");
            // released into dsp.dispatch while only the automation worker is online: it must not take it
            KafkaProbe.forward(TenantTopics.topicName(license), TenantTopics.forLicense(license), 1);

            JsonNode urlAck = client.send("{\"type\":\"url\",\"url\":\"https://example.invalid/v/1\"}")
                    .next();
            assertThat(urlAck.path("type").asString())
                    .as("an automation worker is online: the url task is acknowledged")
                    .isEqualTo("ack");
            // its own lane: the automation tenant topic, released into dsp.dispatch.automation
            KafkaProbe.forward(
                    TenantTopics.topicName(license, Priority.NORMAL, Lane.AUTOMATION),
                    TenantTopics.forLicense(license, Priority.NORMAL, Lane.AUTOMATION),
                    1);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> automation.others().stream()
                            .anyMatch(f -> f.path("type").asString().equals("url")));
            automation.send("{\"type\":\"result\",\"key\":\"" + license + "\",\"content\":\"转写完成\"}");
            List<JsonNode> toClient = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                toClient.add(client.next());
                return toClient.get(toClient.size() - 1).path("type").asString().equals("result");
            });
            assertThat(toClient.get(toClient.size() - 1).path("content").asString())
                    .isEqualTo("转写完成");

            try (FakeLegacyWorker gpu = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> gpu.requestIds().contains(ClientRequestIds.scoped(license, requestId)));
            }
            assertThat(automation.jobs())
                    .as("GPU tasks handed to the automation worker")
                    .isEmpty();
        }
    }

    @Test
    void theBootHelperRegisteredWithANonLicenseKeyHearsTheGpuComeOnlineButCannotSubmit() {
        try (LegacySocket helper = LegacySocket.connect(url())) {
            helper.next();
            JsonNode registered = helper.send(
                            "{\"type\":\"register\",\"key\":\"gradio_client\",\"device_type\":\"pc\"}")
                    .next();
            assertThat(registered.path("type").asString()).isEqualTo("registered");
            assertThat(registered.path("key").asString()).isEqualTo("gradio_client");

            JsonNode refused = helper.send(
                            "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\"," + "\"payload\":{\"id\":1}}")
                    .next();
            assertThat(refused.path("type").asString()).isEqualTo("error");

            try (FakeLegacyWorker gpu = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
                List<String> heard = new ArrayList<>();
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    heard.add(helper.next().path("type").asString());
                    return heard.contains("gpu.power.online");
                });
                assertThat(heard).contains("gpu_online", "gpu.power.online");
            }
        }
    }
}
