package io.dsp.ops.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.ops.migrate.LegacyFrames.Outcome;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskRequested;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class LegacyFramesTest {

    private static final Instant NOW = Instant.parse("2026-11-29T08:00:00Z");
    private final LegacyFrames frames = new LegacyFrames(JsonMapper.builder().build());

    @Test
    void deleteAssetFromHttpBecomesATypedTaskUnderItsOwnRequestId() {
        TaskRequested task = one(
                "lic-123456",
                "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"request_id\":\"del_asset_65f1\","
                        + "\"key\":\"lic-123456\",\"sender_fd\":0,\"payload\":{\"id\":123,\"license_key\":\"lic-123456\"}}");

        assertThat(task.getRequestId()).isEqualTo("del_asset_65f1");
        assertThat(task.getLicenseKey()).isEqualTo("lic-123456");
        assertThat(task.getTaskType()).isEqualTo("delete_asset");
        assertThat(task.getPayload()).isEqualTo(new DeleteAssetPayload(123L, null, null));
        assertThat(task.getOrigin().getChannel()).isEqualTo(TaskChannel.OPS);
    }

    @Test
    void heyGemSubmitGetsTheDefaultExtensionsAsTheGatewayGivesThem() {
        TaskRequested task = one(
                "lic-123456",
                "{\"type\":\"gpu_task\",\"task_type\":\"heygem_submit\",\"request_id\":\"heygem_1\",\"key\":\"k\","
                        + "\"sender_fd\":42,\"payload\":{\"audio_hash\":\"a1\",\"video_hash\":\"v1\",\"task_id\":\"x\"}}");

        assertThat(task.getPayload()).isEqualTo(new HeyGemSubmitPayload("a1", ".wav", "v1", ".mp4"));
    }

    @Test
    void uploadAssetKeepsItsLegacyPayloadAsJson() {
        TaskRequested task = one(
                "lic-123456",
                "{\"type\":\"gpu.job.submit\",\"task_type\":\"upload_asset\",\"request_id\":\"upload_asset_1\","
                        + "\"payload\":{\"file_path\":\"/srv/a.wav\",\"asset_type\":\"voice\",\"name\":\"n\"}}");

        assertThat(((GenericPayload) task.getPayload()).getJson()).contains("\"file_path\":\"/srv/a.wav\"");
    }

    @Test
    void aTypedTaskMissingAFieldIsKeptAsJsonForTheWorkerToRefuse() {
        TaskRequested task = one(
                "lic-123456",
                "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"request_id\":\"d2\",\"payload\":{}}");

        assertThat(task.getTaskType()).isEqualTo("delete_asset");
        assertThat(task.getPayload()).isInstanceOf(GenericPayload.class);
    }

    @Test
    void urlAndChatGlmFramesWithoutRequestIdsGetIdsFromListPositionAndFrame() {
        String url = "{\"type\":\"url\",\"url\":\"https://v.example/1\",\"key\":\"lic-123456\"}";
        TaskRequested first = one("lic-123456", url);
        TaskRequested again =
                frames.parse("lic-123456", 0, url, null, NOW).tasks().get(0).task();
        TaskRequested nextPosition =
                frames.parse("lic-123456", 1, url, null, NOW).tasks().get(0).task();

        assertThat(first.getTaskType()).isEqualTo("url");
        assertThat(((GenericPayload) first.getPayload()).getJson()).isEqualTo("{\"url\":\"https://v.example/1\"}");
        assertThat(first.getRequestId()).startsWith("legacy-").isEqualTo(again.getRequestId());
        assertThat(nextPosition.getRequestId()).isNotEqualTo(first.getRequestId());

        TaskRequested chat = one(
                "lic-123456",
                "{\"type\":\"chatglm_video\",\"content\":\"a cat\",\"key\":\"lic-123456\",\"sender_fd\":3}");
        assertThat(chat.getTaskType()).isEqualTo("chatglm_video");
        assertThat(((GenericPayload) chat.getPayload()).getJson()).isEqualTo("{\"content\":\"a cat\"}");
    }

    @Test
    void aBatchEnvelopeBecomesEachOfItsJobs() {
        Outcome outcome = frames.parse(
                "lic-123456",
                0,
                "{\"type\":\"gpu.job.dispatch.batch\",\"data\":{\"jobs\":["
                        + "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"request_id\":\"b1\",\"payload\":{\"id\":1}},"
                        + "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"payload\":{\"id\":2}}]}}",
                null,
                NOW);

        assertThat(outcome.problem()).isNull();
        assertThat(outcome.tasks()).hasSize(2);
        assertThat(outcome.tasks().get(0).task().getRequestId()).isEqualTo("b1");
        assertThat(outcome.tasks().get(1).task().getRequestId()).startsWith("legacy-");
    }

    @Test
    void theGlobalListNeedsALicenseFromTheFrameOrTheOperator() {
        String frame = "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"request_id\":\"g1\","
                + "\"payload\":{\"id\":1}}";

        assertThat(frames.parse("__global__", 0, frame, null, NOW).problem()).contains("--global-license");
        assertThat(frames.parse("__global__", 0, frame, "lic-ops", NOW)
                        .tasks()
                        .get(0)
                        .task()
                        .getLicenseKey())
                .isEqualTo("lic-ops");
    }

    @Test
    void textThatIsNotAJsonObjectStaysWhereItIs() {
        assertThat(frames.parse("lic-123456", 0, "not json", null, NOW).problem())
                .isEqualTo("not JSON");
        assertThat(frames.parse("lic-123456", 0, "[1]", null, NOW).problem()).isEqualTo("not a JSON object");
    }

    @Test
    void takesTheLegacyTimestampWhenItHasOne() {
        TaskRequested task = one(
                "lic-123456",
                "{\"type\":\"gpu.job.submit\",\"task_type\":\"x_job\",\"request_id\":\"t1\",\"ts\":1735000000}");

        assertThat(task.getRequestedAt()).isEqualTo(Instant.ofEpochSecond(1735000000));
        assertThat(task.getTaskType()).isEqualTo("x_job");
    }

    private TaskRequested one(String list, String frame) {
        Outcome outcome = frames.parse(list, 0, frame, null, NOW);
        assertThat(outcome.problem()).isNull();
        assertThat(outcome.tasks()).hasSize(1);
        return outcome.tasks().get(0).task();
    }
}
