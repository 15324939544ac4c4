package io.dsp.gpuconsumer.heygem;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.core.store.FileSystemResultStore;
import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.gpuconsumer.heygem.HeyGemEngine.EngineException;
import io.dsp.gpuconsumer.support.TestTasks;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.TaskRequested;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

class HeyGemSubmitHandlerTest {

    private static final String AUDIO = "0cc175b9c0f1b6a831c399e269772661";
    private static final String VIDEO = "92eb5ffee6ae2fec3ad71c777531578f";

    @TempDir
    Path dataDir;

    private final List<HeyGemEngine.Job> jobs = new ArrayList<>();
    private FileSystemResultStore store;

    @Test
    void handlesHeyGemSubmit() {
        assertThat(handler((job, context) -> null).taskType()).isEqualTo("heygem_submit");
    }

    @Test
    void putsTheVideoIntoTheResultStoreAndNamesItThereNeverOnThisWorker() throws Exception {
        Path video = Files.writeString(dataDir.resolve("out.mp4"), "mp4");
        HeyGemSubmitHandler handler = handler((job, context) -> {
            jobs.add(job);
            return new HeyGemEngine.Result("a1b2", video, false);
        });
        TaskRequested task = TestTasks.heyGemSubmit("license", AUDIO, VIDEO);

        TaskOutcome outcome = handler.handle(task);

        String sha256 = java.util.HexFormat.of().formatHex(sha256Of("mp4"));
        assertThat(outcome).isInstanceOfSatisfying(TaskOutcome.Succeeded.class, succeeded -> {
            assertThat(succeeded.stored().getSha256()).isEqualTo(sha256);
            assertThat(succeeded.stored().getSize()).isEqualTo(3);
            assertThat(succeeded.stored().getContentType()).isEqualTo("video/mp4");
            assertThat(succeeded.resultJson())
                    .isEqualTo("{\"task_id\":\"" + task.getRequestId()
                            + "\",\"engine_task_id\":\"a1b2\",\"cached\":false,\"sha256\":\""
                            + succeeded.stored().getSha256() + "\",\"size\":3,\"content_type\":\"video/mp4\"}");
        });
        assertThat(store.list()).hasSize(1);
        assertThat(video).doesNotExist();
        assertThat(jobs)
                .containsExactly(new HeyGemEngine.Job(task.getRequestId(), "license", AUDIO, ".wav", VIDEO, ".mp4"));
    }

    @Test
    void failsClearlyWhenTheResultStoreIsFullAndKeepsNothingOnThisWorker() throws Exception {
        Path video = Files.writeString(dataDir.resolve("out.mp4"), "mp4");
        long free = Files.getFileStore(dataDir).getUsableSpace();
        HeyGemSubmitHandler handler = new HeyGemSubmitHandler(
                (job, context) -> new HeyGemEngine.Result("a1b2", video, false),
                new FileSystemResultStore(dataDir.resolve("store"), Duration.ofHours(1), free + 1),
                JsonMapper.builder().build());

        TaskOutcome outcome = handler.handle(TestTasks.heyGemSubmit("license", AUDIO, VIDEO));

        assertThat(outcome).isInstanceOfSatisfying(TaskOutcome.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("STORE_FULL");
            assertThat(failed.message()).startsWith("结果存储空间不足");
        });
        assertThat(video).doesNotExist();
    }

    private static byte[] sha256Of(String text) throws Exception {
        return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void failsWhenTheEngineSaysItCanNeverWork() throws Exception {
        HeyGemSubmitHandler handler = handler((job, context) -> {
            throw new EngineException("ENGINE_ERROR", "format video error", true);
        });

        assertThat(handler.handle(TestTasks.heyGemSubmit("license", AUDIO, VIDEO)))
                .isEqualTo(new TaskOutcome.Failed("ENGINE_ERROR", "format video error"));
    }

    @Test
    void retriesWhenTheEngineMayWorkLater() throws Exception {
        HeyGemSubmitHandler handler = handler((job, context) -> {
            throw new EngineException("ENGINE_UNREACHABLE", "connection refused", false);
        });

        assertThat(handler.handle(TestTasks.heyGemSubmit("license", AUDIO, VIDEO)))
                .isEqualTo(new TaskOutcome.Retry("ENGINE_UNREACHABLE: connection refused"));
    }

    @ParameterizedTest
    @CsvSource({"'', " + VIDEO + ", .wav", AUDIO + ", ../../x, .wav", AUDIO + ", " + VIDEO + ", wav"})
    void failsWithTheLegacyMessageForInputsThatAreNone(String audio, String video, String audioExt) throws Exception {
        HeyGemSubmitHandler handler = handler((job, context) -> {
            throw new AssertionError("must not reach the engine");
        });
        TaskRequested task = TestTasks.heyGemSubmit("license", audio, video);
        ((HeyGemSubmitPayload) task.getPayload()).setAudioExt(audioExt);

        assertThat(handler.handle(task)).isEqualTo(new TaskOutcome.Failed("BAD_PAYLOAD", "缺少 audio_hash 或 video_hash"));
    }

    @Test
    void failsForAPayloadOfAnotherTaskType() throws Exception {
        HeyGemSubmitHandler handler = handler((job, context) -> null);

        assertThat(handler.handle(TestTasks.generic("license", "heygem_submit")))
                .isEqualTo(new TaskOutcome.Failed("BAD_PAYLOAD", "缺少 audio_hash 或 video_hash"));
    }

    private HeyGemSubmitHandler handler(HeyGemEngine engine) {
        store = new FileSystemResultStore(dataDir.resolve("store"), Duration.ofHours(1), 0);
        return new HeyGemSubmitHandler(engine, store, JsonMapper.builder().build());
    }
}
