package io.dsp.gateway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class WorkerKindsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WorkerKinds kinds = new WorkerKinds(new WorkerKindSettings(
            LegacyWorkerKind.AUTOMATION,
            List.of("url", "chatglm_video"),
            Map.of(),
            List.of(new WorkerKindSettings.AddressOverride("10.0.5.0/24", LegacyWorkerKind.GPU))));

    @Test
    void theUnchangedClientsAreToldApartByHowTheyRegister() {
        assertThat(kinds.of(frame("{\"type\":\"register\",\"role\":\"worker\"}")))
                .as("ws_worker.py's bare register")
                .contains(LegacyWorkerKind.AUTOMATION);
        assertThat(kinds.of(frame("{\"type\":\"register\",\"role\":\"worker\",\"version\":\"1.0\"}")))
                .as("ws_client.py sends its version")
                .contains(LegacyWorkerKind.GPU);
        assertThat(kinds.of(frame("{\"type\":\"register\",\"role\":\"worker\",\"task_types\":[\"url\"]}")))
                .contains(LegacyWorkerKind.AUTOMATION);
        assertThat(kinds.of(
                        frame("{\"type\":\"register\",\"role\":\"worker\",\"task_types\":[\"url\",\"delete_asset\"]}")))
                .contains(LegacyWorkerKind.GPU);
        assertThat(kinds.of(frame("{\"type\":\"register\",\"role\":\"worker\",\"slots\":2}")))
                .contains(LegacyWorkerKind.GPU);
    }

    @Test
    void anExplicitKindWinsThenTheAddressOverrideThenTheRules() {
        assertThat(kinds.of(frame("{\"type\":\"register\",\"role\":\"worker\",\"kind\":\"automation\"}"), "10.0.5.9"))
                .contains(LegacyWorkerKind.AUTOMATION);
        assertThat(kinds.of(frame("{\"type\":\"register\",\"role\":\"worker\"}"), "10.0.5.9"))
                .as("a bare register from the GPU subnet")
                .contains(LegacyWorkerKind.GPU);
        assertThat(kinds.of(frame("{\"type\":\"register\",\"role\":\"worker\"}"), "10.0.6.9"))
                .contains(LegacyWorkerKind.AUTOMATION);
        assertThat(kinds.of(frame("{\"type\":\"register\",\"role\":\"worker\",\"kind\":\"cpu\"}")))
                .as("an unknown kind is refused")
                .isEmpty();
    }

    @Test
    void anAutomationWorkersSlotsAreItsPerTypeCapacity() {
        assertThat(kinds.automationSlots(List.of("url", "chatglm_video"))).isEqualTo(5);
        assertThat(kinds.capacityOf("chatglm_video")).isEqualTo(4);
        assertThat(kinds.capacityOf("url")).isEqualTo(1);
    }

    private static JsonNode frame(String json) {
        return JSON.readTree(json);
    }
}
