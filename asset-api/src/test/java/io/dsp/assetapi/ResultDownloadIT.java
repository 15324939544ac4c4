package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.store.ResultStore;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.avro.StoredResult;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Licenses;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A finished synthesis's video, downloaded as the apps and players do: the v1 result path with the license's headers
 * (Range, ETag, attachment), the GPU server's own download and progress paths in its shapes, and the signed
 * {@code result_url} without any header. The task's life is written as events; the video is put into the real store.
 */
@AssetApiIntegrationTest
class ResultDownloadIT {

    @LocalServerPort
    int port;

    @Autowired
    ResultStore store;

    @TempDir
    Path scratch;

    String license;
    ApiClient app;
    TaskRequested task;
    String taskId;

    @BeforeEach
    void aSubmittedSynthesis() {
        license = "result-" + UUID.randomUUID();
        app = LicensedApp.provision(base(), license);
        task = TaskRequested.newBuilder()
                .setRequestId("heygem_" + UUID.randomUUID().toString().replace("-", ""))
                .setLicenseKey(license)
                .setTaskType("heygem_submit")
                .setPayload(new HeyGemSubmitPayload("a".repeat(32), ".wav", "b".repeat(32), ".mp4"))
                .setRequestedAt(Instant.now())
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, null, null, null))
                .build();
        taskId = task.getRequestId();
        publish(TaskEventType.ACCEPTED, Instant.now(), null, null);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(app.get("/api/v1/tasks/" + taskId).status()).isEqualTo(200));
    }

    @Test
    void theOwnerDownloadsTheVideoWithRangesAndAnEtagAndNobodyElseSeesIt() throws Exception {
        byte[] video = bytes(200_000);
        assertThat(app.download("/api/v1/tasks/" + taskId + "/result", Map.of()).status())
                .isEqualTo(409);

        StoredResult stored = finish(video);

        ApiClient.Download whole = app.download("/api/v1/tasks/" + taskId + "/result", Map.of());
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(video);
        assertThat(whole.header("Content-Type")).startsWith("video/mp4");
        assertThat(whole.header("ETag")).isEqualTo("\"" + stored.getSha256() + "\"");
        assertThat(whole.header("Content-Disposition")).isEqualTo("attachment; filename=\"" + taskId + ".mp4\"");
        ApiClient.Download slice =
                app.download("/api/v1/tasks/" + taskId + "/result", Map.of("Range", "bytes=100-199"));
        assertThat(slice.status()).isEqualTo(206);
        assertThat(slice.header("Content-Range")).isEqualTo("bytes 100-199/200000");
        assertThat(slice.body()).isEqualTo(Arrays.copyOfRange(video, 100, 200));
        assertThat(app.download(
                                "/api/v1/tasks/" + taskId + "/result",
                                Map.of("If-None-Match", "\"" + stored.getSha256() + "\""))
                        .status())
                .isEqualTo(304);
        assertThat(app.download("/api/v1/tasks/" + taskId + "/result", Map.of("Range", "bytes=999999-"))
                        .status())
                .isEqualTo(416);

        ApiClient stranger = stranger();
        ApiClient.Download refused = stranger.download("/api/v1/tasks/" + taskId + "/result", Map.of());
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.json().path("msg").asString()).isEqualTo("任务不存在或已过期");
        ApiClient.Download legacy = stranger.download("/api/heygem/download?task_id=" + taskId, Map.of());
        assertThat(legacy.status()).isEqualTo(404);
        assertThat(legacy.json().path("code").asInt()).isEqualTo(404);
    }

    @Test
    void resultUrlIsASignedLinkThatWorksWithoutHeadersAndNothingElseDoes() throws Exception {
        byte[] video = bytes(50_000);
        finish(video);

        String resultUrl = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> app.get("/api/heygem/task/status?task_id=" + taskId)
                                .data()
                                .path("result_url")
                                .asString(""),
                        url -> !url.isEmpty());
        assertThat(app.get("/api/v1/tasks/" + taskId).data().path("result_url").asString())
                .startsWith("http://127.0.0.1:8080/api/heygem/download?task_id=" + taskId + "&expires=");
        URI link = URI.create(resultUrl);
        String pathAndQuery = link.getRawPath() + "?" + link.getRawQuery();
        ApiClient player = ApiClient.anonymous(base());

        ApiClient.Download viaLink = player.download(pathAndQuery, Map.of());
        assertThat(viaLink.status()).isEqualTo(200);
        assertThat(viaLink.body()).isEqualTo(video);
        assertThat(viaLink.header("Content-Disposition")).isEqualTo("inline; filename=\"" + taskId + ".mp4\"");
        assertThat(player.download(pathAndQuery + "&token=app-secret", Map.of()).status())
                .isEqualTo(200);
        assertThat(player.download(pathAndQuery, Map.of("Range", "bytes=0-9")).body())
                .isEqualTo(Arrays.copyOf(video, 10));

        // one character of the signature changed (to another one: a signature may well start with X)
        int sig = pathAndQuery.indexOf("sig=") + 4;
        char changed = pathAndQuery.charAt(sig) == 'X' ? 'Y' : 'X';
        String forged = pathAndQuery.substring(0, sig) + changed + pathAndQuery.substring(sig + 1);
        ApiClient.Download tampered = player.download(forged, Map.of());
        assertThat(tampered.status()).isEqualTo(401);
        assertThat(tampered.json().path("msg").asString()).isEqualTo("鉴权失败");
        String otherTask = pathAndQuery.replace("task_id=" + taskId, "task_id=" + taskId + "x");
        assertThat(player.download(otherTask, Map.of()).status()).isEqualTo(401);
        assertThat(player.download("/api/heygem/download?task_id=" + taskId, Map.of())
                        .status())
                .isEqualTo(401);
        assertThat(app.download("/api/heygem/download?task_id=" + taskId, Map.of())
                        .body())
                .isEqualTo(video);

        // a disabled license's links stop working
        License disabled = Licenses.active(license);
        disabled.setStatus(LicenseStatus.DISABLED);
        Licenses.provision(disabled);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(player.download(pathAndQuery, Map.of()).status())
                                .isEqualTo(403));
    }

    @Test
    void theGpuServersPathsAnswerInItsShapesBeforeDuringAndAfter() throws Exception {
        ApiClient.Download early = app.download("/api/heygem/download?task_id=" + taskId, Map.of());
        assertThat(early.status()).isEqualTo(400);
        assertThat(early.json().path("msg").asString()).isEqualTo("任务尚未完成 (当前状态: queued)");
        Instant started = Instant.now();
        publish(TaskEventType.STARTED, started, null, null);
        publish(
                TaskEventType.PROGRESS,
                started.plusMillis(1),
                new TaskProgress("processing", 50, "合成中 125/250 帧 (50%)", 250, 125),
                null);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ApiClient.Answer progress = app.get("/api/heygem/progress?task_id=" + taskId);
            assertThat(progress.code()).isZero();
            JsonNode data = progress.data();
            assertThat(data.path("status").asString()).isEqualTo("processing");
            assertThat(data.path("progress").asInt()).isEqualTo(50);
            assertThat(data.path("message").asString()).isEqualTo("合成中 125/250 帧 (50%)");
            assertThat(data.path("total_frames").asInt()).isEqualTo(250);
            assertThat(data.path("current_frame").asInt()).isEqualTo(125);
            assertThat(data.path("started_at").asDouble()).isPositive();
            assertThat(data.path("finished_at").isNull()).isTrue();
        });
        ApiClient.Answer missing = app.get("/api/heygem/progress?task_id=nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.msg()).isEqualTo("任务 nope 不存在");
        assertThat(app.get("/api/heygem/progress").status()).isEqualTo(400);

        StoredResult stored = finish(bytes(1_000));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode data = app.get("/api/heygem/progress?task_id=" + taskId).data();
            assertThat(data.path("status").asString()).isEqualTo("done");
            assertThat(data.path("progress").asInt()).isEqualTo(100);
            assertThat(data.path("finished_at").asDouble()).isPositive();
        });

        store.delete(stored.getSha256());
        ApiClient.Download gone = app.download("/api/heygem/download?task_id=" + taskId, Map.of());
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().path("msg").asString()).isEqualTo("结果文件不存在");
        ApiClient.Download goneV1 = app.download("/api/v1/tasks/" + taskId + "/result", Map.of());
        assertThat(goneV1.status()).isEqualTo(404);
        assertThat(goneV1.json().path("msg").asString()).isEqualTo("结果文件不存在");
    }

    /** Stores the video as a worker would and records SUCCEEDED naming it; waits until status shows it. */
    private StoredResult finish(byte[] video) throws Exception {
        Path file = Files.write(scratch.resolve(UUID.randomUUID() + ".mp4"), video);
        StoredResult stored = store.put(file, "video/mp4");
        publish(TaskEventType.SUCCEEDED, Instant.now().plusMillis(5), null, stored);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(app.get("/api/v1/tasks/" + taskId)
                                .data()
                                .path("stored")
                                .path("sha256")
                                .asString())
                        .isEqualTo(stored.getSha256()));
        return stored;
    }

    private void publish(TaskEventType type, Instant at, TaskProgress progress, StoredResult stored) {
        TestKafka.publish(
                Topics.TASK_EVENTS,
                taskId,
                TaskEvents.about(task, type, "gpu-consumer", at)
                        .setProgress(progress)
                        .setStored(stored)
                        .setResultJson(stored == null ? null : "{\"task_id\":\"" + taskId + "\"}")
                        .build());
    }

    private ApiClient stranger() {
        return LicensedApp.provision(base(), "stranger-" + UUID.randomUUID());
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
