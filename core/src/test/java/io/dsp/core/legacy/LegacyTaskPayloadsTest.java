package io.dsp.core.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.core.intake.TaskSubmission;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class LegacyTaskPayloadsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final LegacyTaskPayloads payloads = new LegacyTaskPayloads(JSON);

    @Test
    void deleteAndHeyGemPayloadsAreTypedWithTheLegacyDefaults() {
        assertThat(payloads.fromLegacy("delete_asset", json("{\"id\":\"42\",\"file_hash\":\"ab\"}")))
                .isEqualTo(new DeleteAssetPayload(42L, "ab", null));
        assertThat(payloads.fromLegacy("heygem_submit", json("{\"audio_hash\":\"a\",\"video_hash\":\"v\"}")))
                .isEqualTo(new HeyGemSubmitPayload("a", ".wav", "v", ".mp4"));
    }

    @Test
    void aMissingRequiredFieldIsRefusedWithTheLegacyWorkersText() {
        assertThatThrownBy(() -> payloads.fromLegacy("delete_asset", json("{\"id\":\"x\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("缺少 id 或 license_key");
        assertThatThrownBy(() -> payloads.fromLegacy("heygem_submit", json("{\"audio_hash\":\"a\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("缺少 audio_hash 或 video_hash");
    }

    @Test
    void otherTypesAndIncompletePayloadsOfQueuedTasksStayJson() {
        assertThat(payloads.fromLegacy("upload_asset", json("{\"file\":\"/tmp/a.wav\"}")))
                .isEqualTo(new GenericPayload("{\"file\":\"/tmp/a.wav\"}"));
        assertThat(payloads.fromLegacyOrGeneric("delete_asset", json("{\"id\":\"x\"}")))
                .isEqualTo(new GenericPayload("{\"id\":\"x\"}"));
        assertThat(payloads.fromLegacyOrGeneric("delete_asset", json("{\"id\":7}")))
                .isEqualTo(new DeleteAssetPayload(7L, null, null));
        assertThat(payloads.fromLegacy("echo", null)).isEqualTo(new GenericPayload("{}"));
    }

    @Test
    void aWorkerGetsTheLegacyFieldNamesBackWithTheLicense() {
        assertThat(payloads.toLegacy(task(new HeyGemSubmitPayload("a", ".wav", "v", ".mp4"))))
                .containsExactly(
                        entry("audio_hash", "a"),
                        entry("audio_ext", ".wav"),
                        entry("video_hash", "v"),
                        entry("video_ext", ".mp4"),
                        entry("task_id", "req-1"),
                        entry("license_key", "LIC-A"));
        assertThat(payloads.toLegacy(task(new DeleteAssetPayload(7L, null, ".wav"))))
                .containsExactly(entry("id", 7L), entry("file_ext", ".wav"), entry("license_key", "LIC-A"));
        assertThat(payloads.toLegacy(task(new GenericPayload("[1]")))).containsExactly(entry("license_key", "LIC-A"));
    }

    private static java.util.Map.Entry<String, Object> entry(String key, Object value) {
        return java.util.Map.entry(key, value);
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    private static TaskRequested task(Object payload) {
        TaskOrigin origin = new TaskOrigin(TaskChannel.WEBSOCKET, "gateway-1", null, null);
        return TaskSubmission.task("req-1", "LIC-A", "t", payload, Priority.NORMAL, origin, Instant.EPOCH);
    }
}
