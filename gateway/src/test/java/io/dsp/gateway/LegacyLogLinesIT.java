package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.intake.ClientRequestIds;
import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.testkit.LegacySocket;
import io.dsp.testkit.Licenses;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The log lines the seed's troubleshooting section greps for ({@code grep -E "WS|AssetDsp"}), written in the same
 * words on the same events: a task queued while no GPU is online, a GPU worker registering, the GPU-online broadcast,
 * and the backlog handed to the new worker.
 */
@GatewayIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class LegacyLogLinesIT {

    @LocalServerPort
    int port;

    @Test
    void aWorkerRegisteringAndTakingTheBacklogWritesTheLegacyLines(CapturedOutput output) {
        String url = "ws://127.0.0.1:" + port + "/dsp";
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        try (LegacySocket client = LegacySocket.connect(url)) {
            client.next();
            client.send("{\"type\":\"register\",\"key\":\"" + license + "\"}").next();
            String requestId = "ws-" + UUID.randomUUID();
            assertThat(client.send("{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"request_id\":\""
                                    + requestId + "\",\"payload\":{\"id\":9}}")
                            .next()
                            .path("type")
                            .asString())
                    .isEqualTo("gpu.power.offline");
            assertThat(output.getOut())
                    .contains("[AssetDsp] 任务入队: key=")
                    .contains("task_type=delete_asset request_id=" + ClientRequestIds.scoped(license, requestId));
            KafkaProbe.forward(TenantTopics.topicName(license), TenantTopics.forLicense(license), 1);

            try (FakeLegacyWorker gpu = FakeLegacyWorker.connect(url, Mode.SUCCEED)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> gpu.requestIds().contains(ClientRequestIds.scoped(license, requestId)));
                await().atMost(Duration.ofSeconds(20))
                        .untilAsserted(() -> assertThat(output.getOut())
                                .contains("[WS] Worker 注册: fd=")
                                .contains("[WS] gpu.power.online(兼容gpu_online) 广播: ")
                                .containsPattern("\\[WS\\] flushPending: 推送积压任务 [1-9]\\d* 条给 worker fd=\\d+"));
            }
        }
    }
}
