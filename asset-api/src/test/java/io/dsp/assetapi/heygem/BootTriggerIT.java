package io.dsp.assetapi.heygem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.AssetApiIntegrationTest;
import io.dsp.schemas.avro.RelayFrame;
import io.dsp.schemas.avro.RelayTarget;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.TopicTail;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@AssetApiIntegrationTest
class BootTriggerIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    BootTrigger trigger;

    @Test
    void aHealthCallWithNoWorkerOnlineRequestsOneBootFromThePowerManagersPerInterval() throws Exception {
        String license = "boot-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        ApiClient app = ApiClient.forLicense("http://127.0.0.1:" + port, license, "m1");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(app.get("/api/asset/list").code()).isZero());
        trigger.forgetLastBoot();
        try (TopicTail<String, RelayFrame> relay = TopicTail.fromEnd(Topics.GATEWAY_RELAY)) {

            ApiClient.Answer first = app.postJson("/api/heygem/health/proxy", "{}");
            ApiClient.Answer second = app.postJson("/api/heygem/health/proxy", "{}");

            assertThat(first.body().path("code").asInt()).isEqualTo(-1);
            assertThat(first.body().path("gpu_status").asString()).isEqualTo("offline");
            assertThat(first.body().path("boot_requested").asBoolean()).isTrue();
            String bootId = first.body().path("boot_request_id").asString();
            assertThat(bootId).startsWith("boot_");
            assertThat(second.body().path("boot_requested").asBoolean()).isFalse();
            assertThat(second.body().has("boot_request_id")).isFalse();
            await().atMost(Duration.ofSeconds(20)).until(() -> !boots(relay).isEmpty());
            assertThat(boots(relay)).singleElement().satisfies(r -> {
                assertThat(r.getTarget()).isEqualTo(RelayTarget.MONITORS);
                assertThat(r.getAddress()).isNull();
                assertThat(r.getOrigin()).isEqualTo("asset-api");
                JsonNode frame = JSON.readTree(r.getFrameJson());
                assertThat(frame.path("type").asString()).isEqualTo("gpu.power.boot");
                assertThat(frame.path("request_id").asString()).isEqualTo(bootId);
                assertThat(frame.path("fd").asInt()).isZero();
                assertThat(frame.path("msg").asString()).isEqualTo("请求启动GPU");
                assertThat(r.getFrameJson()).doesNotContain(license);
            });
        }
    }

    private static List<RelayFrame> boots(TopicTail<String, RelayFrame> relay) {
        return relay.values().stream()
                .filter(r -> r.getFrameJson().contains("gpu.power.boot"))
                .toList();
    }
}
