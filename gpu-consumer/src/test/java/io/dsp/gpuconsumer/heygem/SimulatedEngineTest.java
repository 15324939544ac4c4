package io.dsp.gpuconsumer.heygem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.gpuconsumer.heygem.HeyGemEngine.EngineException;
import io.dsp.schemas.avro.TaskProgress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class SimulatedEngineTest {

    @TempDir
    Path dataDir;

    private final List<TaskProgress> progress = new ArrayList<>();
    private final HeyGemEngine.Job job = new HeyGemEngine.Job("req-1", "license", "a", ".wav", "v", ".mp4");

    @Test
    void reportsEachStepInTheLegacyServersWordsAndWritesAResult() throws Exception {
        SimulatedEngine engine = engine(Duration.ofMillis(40), 4, 0.0, 0.5);

        HeyGemEngine.Result result = engine.synthesize(job, progress::add);

        assertThat(progress)
                .extracting(TaskProgress::getStatus, TaskProgress::getPercent, TaskProgress::getMessage)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("processing", 5, "开始处理..."),
                        org.assertj.core.groups.Tuple.tuple("processing", 27, "合成中 25/100 帧 (27%)"),
                        org.assertj.core.groups.Tuple.tuple("processing", 50, "合成中 50/100 帧 (50%)"),
                        org.assertj.core.groups.Tuple.tuple("processing", 72, "合成中 75/100 帧 (72%)"),
                        org.assertj.core.groups.Tuple.tuple("processing", 95, "合成中 100/100 帧 (95%)"),
                        org.assertj.core.groups.Tuple.tuple("done", 100, "合成完成"));
        assertThat(result.video())
                .isEqualTo(new EngineFiles(dataDir).video("license", "req-1"))
                .hasContent("simulated synthesis of a.wav + v.mp4");
        assertThat(result.engineTaskId()).isEqualTo("sim-req-1");
    }

    @Test
    void writesAStandInVideoOfTheConfiguredSizeStartingWithItsTextLine() throws Exception {
        SimulatedEngine engine = new SimulatedEngine(
                new HeyGemSettings.Simulated(Duration.ofMillis(10), 1, 0.0, DataSize.ofBytes(100_003)),
                new EngineFiles(dataDir),
                RandomGenerator.getDefault());

        HeyGemEngine.Result result = engine.synthesize(job, progress::add);

        assertThat(result.video()).hasSize(100_003);
        assertThat(new String(java.nio.file.Files.readAllBytes(result.video()), 0, 36, StandardCharsets.UTF_8))
                .isEqualTo("simulated synthesis of a.wav + v.mp4");
    }

    @Test
    void takesAboutTheConfiguredDuration() throws Exception {
        long started = System.nanoTime();

        engine(Duration.ofMillis(300), 3, 0.0, 0.5).synthesize(job, progress::add);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void failsHalfWayForGoodWhenTheDiceSaySo() {
        // a failure rate of 0.3 fails a draw of 0.2 and passes one of 0.4
        assertThatThrownBy(() -> engine(Duration.ofMillis(40), 4, 0.3, 0.2).synthesize(job, progress::add))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.code()).isEqualTo("ENGINE_ERROR");
                    assertThat(e.permanent()).isTrue();
                });
        assertThat(progress).hasSize(2);
    }

    @Test
    void passesWhenTheDrawIsAboveTheFailureRate() throws Exception {
        assertThat(engine(Duration.ofMillis(40), 4, 0.3, 0.4)
                        .synthesize(job, progress::add)
                        .video())
                .exists();
    }

    private SimulatedEngine engine(Duration duration, int steps, double failureRate, double draw) {
        RandomGenerator dice = new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return draw;
            }
        };
        return new SimulatedEngine(
                new HeyGemSettings.Simulated(duration, steps, failureRate, DataSize.ofBytes(0)),
                new EngineFiles(dataDir),
                dice);
    }
}
