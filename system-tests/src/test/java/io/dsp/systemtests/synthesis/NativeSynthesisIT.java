package io.dsp.systemtests.synthesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gpuconsumer.GpuConsumerApplication;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.LegacySocket;
import io.dsp.testkit.legacy.HeyGemServerReplica;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The product's main job, driven as the apps drive it, on a native worker whose engine is {@code HeyGemHttpEngine}
 * against a replica of the HeyGem server's HTTP API: stage the audio and the video by md5 ({@code check_files},
 * {@code upload_file}), submit, follow progress on the status call and on the app's WebSocket, then download the
 * video through the signed {@code result_url} and the v1 result path; the bytes are the engine's.
 */
class NativeSynthesisIT {

    private static final String LICENSE = "synth-" + UUID.randomUUID();

    private static HeyGemServerReplica heygem;
    private static SynthesisStack stack;
    private static ApiClient app;

    @BeforeAll
    static void startStackWithANativeWorkerOnTheReplicaServer() {
        heygem = HeyGemServerReplica.start(HeyGemServerReplica.Options.defaults()
                .withApiSecret("gpu-secret")
                .withSynthesisTime(Duration.ofSeconds(3))
                .withProgressSteps(6)
                .withResultBytes(256 * 1024));
        stack = new SynthesisStack();
        app = stack.app(LICENSE, "machine-1");
        stack.start(
                GpuConsumerApplication.builder(),
                Map.of(
                        "dsp.gpu-consumer.heartbeat-interval", "1s",
                        "dsp.gpu-consumer.asset-api-url", stack.apiUrl(),
                        "dsp.gpu-consumer.heygem.engine", "http",
                        "dsp.gpu-consumer.heygem.http.base-url", heygem.url().toString(),
                        "dsp.gpu-consumer.heygem.http.api-secret", "gpu-secret",
                        "dsp.gpu-consumer.heygem.http.poll-interval", "200ms"));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (heygem != null) {
            heygem.close();
        }
    }

    @Test
    void anAppsSynthesisEndsAsAVideoItCanDownloadWhoseBytesAreTheEngines() throws Exception {
        byte[] audio = bytes(40_000, 1);
        byte[] video = bytes(120_000, 2);
        String audioMd5 = md5(audio);
        String videoMd5 = md5(video);

        // the apps' staging: check, then upload what is missing
        ApiClient.Answer checked = app.postJson(
                "/api/heygem/check_files",
                "{\"files\":[{\"hash\":\"" + audioMd5 + "\",\"ext\":\".wav\"},{\"hash\":\"" + videoMd5
                        + "\",\"ext\":\".mp4\"}]}");
        assertThat(checked.data().path(audioMd5).asBoolean()).isFalse();
        assertThat(app.postMultipart(
                                "/api/heygem/upload_file",
                                Map.of("hash", audioMd5, "ext", ".wav"),
                                "file",
                                "voice.wav",
                                audio)
                        .data()
                        .path("hash")
                        .asString())
                .isEqualTo(audioMd5);
        assertThat(app.postMultipart(
                                "/api/heygem/upload_file",
                                Map.of("hash", videoMd5, "ext", ".mp4"),
                                "file",
                                "face.mp4",
                                video)
                        .data()
                        .path("hash")
                        .asString())
                .isEqualTo(videoMd5);

        try (LegacySocket socket = stack.client(LICENSE)) {
            // submit
            ApiClient.Answer submitted = app.postJson(
                    "/api/heygem/task/submit",
                    "{\"audio_hash\":\"" + audioMd5 + "\",\"audio_ext\":\".wav\",\"video_hash\":\"" + videoMd5
                            + "\",\"video_ext\":\".mp4\"}");
            assertThat(submitted.code()).as(submitted.body().toString()).isZero();
            String taskId = submitted.data().path("task_id").asString();

            // progress on the status call while it runs
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() ->
                            assertThat(status(taskId).path("status").asString()).isIn("processing", "done"));

            // and on the app's WebSocket, then the result frame with its link
            List<JsonNode> frames = new ArrayList<>();
            JsonNode result = null;
            while (result == null) {
                JsonNode frame = socket.next();
                frames.add(frame);
                if (frame.path("type").asString().equals("gpu.job.result")
                        && frame.path("request_id").asString().equals(taskId)) {
                    result = frame;
                }
            }
            assertThat(frames)
                    .filteredOn(f -> f.path("type").asString().equals("gpu.task.progress")
                            && f.path("task_id").asString().equals(taskId))
                    .isNotEmpty();
            assertThat(result.path("error").asBoolean(false))
                    .as(result.toString())
                    .isFalse();
            assertThat(result.path("result").path("result_url").asString()).contains("/api/heygem/download?task_id=");

            // done, with result_url on the status call
            JsonNode done = await().atMost(Duration.ofSeconds(30))
                    .until(() -> status(taskId), s -> s.path("done").asBoolean());
            assertThat(done.path("status").asString()).isEqualTo("done");
            String resultUrl = done.path("result_url").asString();
            assertThat(resultUrl).startsWith(stack.apiUrl() + "/api/heygem/download?task_id=" + taskId);

            // the engine's bytes, through the signed link without any header (a video player)
            String engineTask = done.path("result").path("engine_task_id").asString();
            byte[] expected = heygem.expectedResult(engineTask);
            URI link = URI.create(resultUrl);
            ApiClient.Download viaLink = ApiClient.anonymous(stack.apiUrl())
                    .download(link.getRawPath() + "?" + link.getRawQuery(), Map.of());
            assertThat(viaLink.status()).isEqualTo(200);
            assertThat(viaLink.header("Content-Type")).startsWith("video/mp4");
            assertThat(sha256(viaLink.body())).isEqualTo(sha256(expected));

            // the v1 path with the license's headers: Range gives the right slice
            ApiClient.Download slice =
                    app.download("/api/v1/tasks/" + taskId + "/result", Map.of("Range", "bytes=1000-1999"));
            assertThat(slice.status()).isEqualTo(206);
            assertThat(slice.body()).isEqualTo(Arrays.copyOfRange(expected, 1000, 2000));

            // another license cannot see it
            ApiClient stranger = stack.app("stranger-" + UUID.randomUUID(), "machine-2");
            assertThat(stranger.download("/api/v1/tasks/" + taskId + "/result", Map.of())
                            .status())
                    .isEqualTo(404);
        }
    }

    private static JsonNode status(String taskId) {
        ApiClient.Answer answer = app.get("/api/heygem/task/status?task_id=" + taskId);
        assertThat(answer.code()).as(answer.body().toString()).isZero();
        return answer.data();
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
