package io.dsp.gpuconsumer.heygem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.gpuconsumer.WorkerSettings;
import io.dsp.gpuconsumer.assetstore.BlobClientAccess;
import io.dsp.gpuconsumer.heygem.FakeHeyGemServer.Step;
import io.dsp.gpuconsumer.heygem.HeyGemEngine.EngineException;
import io.dsp.gpuconsumer.support.FakeAssetApi;
import io.dsp.schemas.avro.TaskProgress;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/** The whole conversation with the legacy HeyGem server, and its errors, against a fake server on a real port. */
class HeyGemHttpEngineTest {

    private static final String SECRET = "heygem-secret";
    private static final String FLEET_TOKEN = "fleet-token";
    private static final byte[] AUDIO = "RIFF audio".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VIDEO_IN = "mp4 input".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dataDir;

    private FakeHeyGemServer heygem;
    private FakeAssetApi assetApi;
    private String audio;
    private String video;
    private final List<TaskProgress> progress = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        heygem = new FakeHeyGemServer(SECRET);
        assetApi = new FakeAssetApi(FLEET_TOKEN);
        audio = assetApi.put(AUDIO);
        video = assetApi.put(VIDEO_IN);
    }

    @AfterEach
    void stop() {
        heygem.close();
        assetApi.close();
    }

    @Test
    void uploadsWhatThePoolLacksSubmitsFollowsProgressAndDownloadsTheResult() throws Exception {
        // given the server has the audio but not the video
        heygem.pool(audio, ".wav");
        heygem.script(
                new Step("queued", 1, "排队等待中... (第1位)", null),
                new Step("processing", 50, "合成中 100/200 帧 (50%)", null),
                new Step("done", 100, "合成完成", null));

        // when
        HeyGemEngine.Result result = engine(SECRET).synthesize(job("req-1"), progress::add);

        // then the conversation was the legacy client's, with the secret on every call
        assertThat(heygem.calls())
                .containsExactly(
                        "POST /api/heygem/check_files",
                        "POST /api/heygem/upload_file",
                        "POST /api/heygem/submit",
                        "GET /api/heygem/progress",
                        "GET /api/heygem/progress",
                        "GET /api/heygem/progress",
                        "GET /api/heygem/download");
        assertThat(heygem.authorizations()).containsOnly("Bearer " + SECRET);
        assertThat(heygem.pooled(video, ".mp4")).isTrue();
        assertThat(assetApi.authorizations()).containsExactly("Bearer " + FLEET_TOKEN);
        // and its progress became task progress
        assertThat(progress)
                .extracting(TaskProgress::getStatus, TaskProgress::getPercent, TaskProgress::getMessage)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("queued", 1, "排队等待中... (第1位)"),
                        org.assertj.core.groups.Tuple.tuple("processing", 50, "合成中 100/200 帧 (50%)"),
                        org.assertj.core.groups.Tuple.tuple("done", 100, "合成完成"));
        assertThat(progress.get(1).getTotalFrames()).isEqualTo(200);
        assertThat(progress.get(1).getCurrentFrame()).isEqualTo(100);
        // and the result lies in the result store
        assertThat(result.engineTaskId()).isEqualTo("a1b2c3d4e5f60718");
        assertThat(result.cached()).isFalse();
        assertThat(result.video()).hasBinaryContent(FakeHeyGemServer.VIDEO).startsWith(dataDir.resolve("results"));
    }

    @Test
    void uploadsNothingWhenThePoolHasBothFiles() throws Exception {
        heygem.pool(audio, ".wav");
        heygem.pool(video, ".mp4");

        engine(SECRET).synthesize(job("req-2"), progress::add);

        assertThat(heygem.calls()).doesNotContain("POST /api/heygem/upload_file");
        assertThat(assetApi.authorizations()).isEmpty();
    }

    @Test
    void failsForGoodWhenAnInputIsNowhere() {
        heygem.pool(audio, ".wav");
        String nowhere = FakeAssetApi.md5("never uploaded".getBytes(StandardCharsets.UTF_8));
        HeyGemEngine.Job job = new HeyGemEngine.Job("req-3", "license", audio, ".wav", nowhere, ".mp4");

        assertThatThrownBy(() -> engine(SECRET).synthesize(job, progress::add))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.code()).isEqualTo("FILE_MISSING");
                    assertThat(e.getMessage()).isEqualTo("视频文件不存在: " + nowhere + ".mp4");
                    assertThat(e.permanent()).isTrue();
                });
        assertThat(heygem.calls()).doesNotContain("POST /api/heygem/submit");
    }

    @Test
    void retriesWhenTheServerLostAnInputBetweenCheckAndSubmit() {
        // given the server's cleanup removes the video right after check_files said it was there
        heygem.pool(audio, ".wav");
        heygem.pool(video, ".mp4");
        heygem.evictAfterCheck(video, ".mp4");

        // then submit's 404 is retried: the next attempt checks again and uploads it
        assertThatThrownBy(() -> engine(SECRET).synthesize(job("req-4"), progress::add))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.code()).isEqualTo("FILE_MISSING");
                    assertThat(e.getMessage()).isEqualTo("视频文件不存在: " + video + ".mp4，请先上传");
                    assertThat(e.permanent()).isFalse();
                });
    }

    @Test
    void retriesWhenTheServerRefusesTheSecret() {
        assertThatThrownBy(() -> engine("wrong-secret").synthesize(job("req-5"), progress::add))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.code()).isEqualTo("ENGINE_AUTH");
                    assertThat(e.getMessage()).isEqualTo("check_files: HTTP 401 鉴权失败");
                    assertThat(e.permanent()).isFalse();
                });
    }

    @Test
    void failsForGoodWhenTheSynthesisErrs() {
        heygem.pool(audio, ".wav");
        heygem.pool(video, ".mp4");
        heygem.script(
                new Step("processing", 5, "开始处理...", null),
                new Step("error", 0, "合成失败: format video error", "format video error"));

        assertThatThrownBy(() -> engine(SECRET).synthesize(job("req-6"), progress::add))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.code()).isEqualTo("ENGINE_ERROR");
                    assertThat(e.getMessage()).isEqualTo("format video error");
                    assertThat(e.permanent()).isTrue();
                });
        assertThat(progress).extracting(TaskProgress::getStatus).containsExactly("processing", "error");
    }

    @Test
    void retriesWhenTheServerGoesAwayMidTask() {
        heygem.pool(audio, ".wav");
        heygem.pool(video, ".mp4");
        heygem.script(new Step("processing", 20, "合成中", null));
        heygem.onProgress(call -> {
            if (call == 2) {
                new Thread(heygem::close).start();
            }
        });

        assertThatThrownBy(() -> engine(SECRET).synthesize(job("req-7"), progress::add))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.code()).isEqualTo("ENGINE_UNREACHABLE");
                    assertThat(e.permanent()).isFalse();
                });
        assertThat(progress).isNotEmpty();
    }

    @Test
    void retriesWhenTheServerRestartedAndForgotTheTask() {
        heygem.pool(audio, ".wav");
        heygem.pool(video, ".mp4");
        heygem.forgetTasks();

        assertThatThrownBy(() -> engine(SECRET).synthesize(job("req-8"), progress::add))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.code()).isEqualTo("ENGINE_LOST_TASK");
                    assertThat(e.permanent()).isFalse();
                });
    }

    @Test
    void aCancelledSynthesisStopsPollingAndNeverDownloadsItsResult() throws Exception {
        // given a synthesis the server keeps processing, cancelled (its thread interrupted) at the third progress call
        heygem.pool(audio, ".wav");
        heygem.pool(video, ".mp4");
        heygem.script(new Step("processing", 50, "合成中", null));
        java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.Future<?> work = runner.submit(() -> {
            try {
                engine(SECRET).synthesize(job("req-10"), progress::add);
                ended.complete(null);
            } catch (Exception e) {
                ended.complete(e);
            }
        });
        heygem.onProgress(call -> {
            if (call == 3) {
                work.cancel(true);
            }
        });

        // then the engine gives up with an interruption, and asks for nothing more: no progress, no download
        Throwable end = ended.get(10, java.util.concurrent.TimeUnit.SECONDS);
        runner.shutdown();
        assertThat(end).isInstanceOf(InterruptedException.class);
        List<String> calls = heygem.calls();
        assertThat(calls).doesNotContain("GET /api/heygem/download");
        assertThat(calls.stream().filter(c -> c.equals("GET /api/heygem/progress")))
                .hasSizeBetween(3, 4);
        org.awaitility.Awaitility.await()
                .during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(heygem.calls()).isEqualTo(calls));
    }

    @Test
    void retriesWhenNoServerRuns() {
        URI nothing = heygem.url();
        heygem.close();

        assertThatThrownBy(() -> engine(SECRET, nothing).synthesize(job("req-9"), progress::add))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.code()).isEqualTo("ENGINE_UNREACHABLE");
                    assertThat(e.permanent()).isFalse();
                });
    }

    private HeyGemEngine.Job job(String requestId) {
        return new HeyGemEngine.Job(requestId, "license", audio, ".wav", video, ".mp4");
    }

    private HeyGemHttpEngine engine(String secret) {
        return engine(secret, heygem.url());
    }

    private HeyGemHttpEngine engine(String secret, URI url) {
        HeyGemSettings.Http settings = new HeyGemSettings.Http(
                url, secret, Duration.ofMillis(20), Duration.ofSeconds(5), Duration.ofSeconds(30));
        return new HeyGemHttpEngine(
                settings,
                BlobClientAccess.blobClient(workerSettings(assetApi.url()), FLEET_TOKEN),
                new EngineFiles(dataDir),
                JsonMapper.builder().build(),
                RestClient.builder());
    }

    static WorkerSettings workerSettings(URI assetApiUrl) {
        return new WorkerSettings(
                "w",
                3,
                5,
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                2,
                Duration.ofSeconds(2),
                assetApiUrl,
                Duration.ofMillis(50));
    }
}
