package io.dsp.gpuconsumer.heygem;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.gpuconsumer.heygem.HeyGemEngine.EngineException;
import io.dsp.gpuconsumer.support.TestTasks;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.TaskRequested;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void handlesHeyGemSubmit() {
        assertThat(handler((job, context) -> null).taskType()).isEqualTo("heygem_submit");
    }

    @Test
    void answersWithWhereTheVideoLies() throws Exception {
        Path video = Files.writeString(dataDir.resolve("out.mp4"), "mp4");
        HeyGemSubmitHandler handler = handler((job, context) -> {
            jobs.add(job);
            return new HeyGemEngine.Result("a1b2", video, false);
        });
        TaskRequested task = TestTasks.heyGemSubmit("license", AUDIO, VIDEO);

        TaskOutcome outcome = handler.handle(task);

        assertThat(outcome)
                .isEqualTo(new TaskOutcome.Succeeded("{\"task_id\":\"" + task.getRequestId()
                        + "\",\"engine_task_id\":\"a1b2\",\"cached\":false,\"result_location\":\""
                        + video.toAbsolutePath().toUri() + "\",\"size\":3}"));
        assertThat(jobs)
                .containsExactly(new HeyGemEngine.Job(task.getRequestId(), "license", AUDIO, ".wav", VIDEO, ".mp4"));
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

    private static HeyGemSubmitHandler handler(HeyGemEngine engine) {
        return new HeyGemSubmitHandler(engine, JsonMapper.builder().build());
    }
}
