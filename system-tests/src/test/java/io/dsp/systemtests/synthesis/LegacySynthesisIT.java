package io.dsp.systemtests.synthesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.testkit.ApiClient;
import io.dsp.testkit.legacy.HeyGemServerReplica;
import io.dsp.testkit.legacy.LegacyGpuWorkerReplica;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The same synthesis through an unchanged HeyGem server behind the gateway's legacy bridge: a worker speaking
 * {@code ws_client.py}'s exact frames (register with {@code version}, {@code gpu.power.online}, the answer at
 * acceptance, no completion frame) in front of a replica of the server's HTTP API. The apps' files are in asset-api's
 * blob store; the bridge puts them into the GPU's pool, follows the synthesis there and stores the video centrally.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LegacySynthesisIT {

    private static final String LICENSE = "legacy-synth-" + UUID.randomUUID();
    private static final String SECRET = "gpu-secret";

    private static HeyGemServerReplica heygem;
    private static SynthesisStack stack;
    private static LegacyGpuWorkerReplica worker;
    private static ApiClient app;

    @BeforeAll
    static void startStackAndAnUnchangedGpuServer() {
        heygem = HeyGemServerReplica.start(HeyGemServerReplica.Options.defaults()
                .withApiSecret(SECRET)
                .withMaxConcurrent(3)
                .withSynthesisTime(Duration.ofSeconds(2))
                .withProgressSteps(4)
                .withResultBytes(128 * 1024));
        stack = new SynthesisStack(Map.of(
                "dsp.gateway.worker-slots",
                3,
                "dsp.gateway.legacy-gpu.port",
                heygem.url().getPort(),
                "dsp.gateway.legacy-gpu.api-secret",
                SECRET,
                "dsp.gateway.legacy-gpu.poll-interval",
                "300ms"));
        app = stack.app(LICENSE, "machine-1");
        worker = LegacyGpuWorkerReplica.connect(URI.create(stack.dspUrl()), heygem);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (heygem != null) {
            heygem.close();
        }
    }

    @Test
    @Order(1)
    void anAppsSynthesisOnAnUnchangedGpuServerEndsAsAVideoItCanDownload() throws Exception {
        String[] inputs = stage(1);

        String taskId = submit(inputs);

        JsonNode done = await().atMost(Duration.ofSeconds(90))
                .until(() -> status(taskId), s -> s.path("done").asBoolean());
        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("done");
        URI link = URI.create(done.path("result_url").asString());
        ApiClient.Download video =
                ApiClient.anonymous(stack.apiUrl()).download(link.getRawPath() + "?" + link.getRawQuery(), Map.of());
        assertThat(video.status()).isEqualTo(200);
        // over the WebSocket the GPU names its task by the request id
        assertThat(sha256(video.body())).isEqualTo(sha256(heygem.expectedResult(taskId)));
        assertThat(heygem.calls()).anyMatch(c -> c.contains("/api/heygem/upload_file"));
    }

    @Test
    @Order(2)
    void tenQueuedSynthesesNeverHoldTheGpuBeyondItsMaxConcurrent() throws Exception {
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tasks.add(submit(stage(100 + i)));
        }

        await().atMost(Duration.ofSeconds(180))
                .untilAsserted(() -> assertThat(tasks)
                        .allSatisfy(t ->
                                assertThat(status(t).path("status").asString()).isEqualTo("done")));
        assertThat(heygem.maxProcessingSeen()).isBetween(1, 3);
    }

    /** Uploads an audio and a video through the API, as the apps do; their md5s. */
    private static String[] stage(long seed) throws Exception {
        byte[] audio = bytes(20_000, seed);
        byte[] video = bytes(50_000, seed + 1_000);
        String[] md5 = {md5(audio), md5(video)};
        app.postMultipart("/api/heygem/upload_file", Map.of("hash", md5[0], "ext", ".wav"), "file", "a.wav", audio);
        app.postMultipart("/api/heygem/upload_file", Map.of("hash", md5[1], "ext", ".mp4"), "file", "v.mp4", video);
        return md5;
    }

    private static String submit(String[] inputs) {
        ApiClient.Answer submitted = app.postJson(
                "/api/heygem/task/submit",
                "{\"audio_hash\":\"" + inputs[0] + "\",\"audio_ext\":\".wav\",\"video_hash\":\"" + inputs[1]
                        + "\",\"video_ext\":\".mp4\"}");
        assertThat(submitted.code()).as(submitted.body().toString()).isZero();
        return submitted.data().path("task_id").asString();
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
