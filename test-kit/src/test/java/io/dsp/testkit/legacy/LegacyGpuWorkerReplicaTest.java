package io.dsp.testkit.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The worker replica's frames, against a minimal real WebSocket server standing in for the gateway. */
class LegacyGpuWorkerReplicaTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] AUDIO = "worker audio".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VIDEO = "worker video".getBytes(StandardCharsets.UTF_8);
    private static final String AUDIO_MD5 = HeyGemServerReplica.md5(AUDIO);
    private static final String VIDEO_MD5 = HeyGemServerReplica.md5(VIDEO);

    private TinyWebSocketServer gateway;
    private HeyGemServerReplica gpu;
    private LegacyGpuWorkerReplica worker;

    @BeforeEach
    void start() throws Exception {
        gateway = new TinyWebSocketServer();
        gpu = HeyGemServerReplica.start(
                HeyGemServerReplica.Options.defaults().withSynthesisTime(Duration.ofMillis(200)));
        gpu.pool(AUDIO_MD5, ".wav", AUDIO);
        gpu.pool(VIDEO_MD5, ".mp4", VIDEO);
    }

    @AfterEach
    void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        gpu.close();
        gateway.close();
    }

    private TinyWebSocketServer.Connection connect(LegacyGpuWorkerReplica.Options options) {
        worker = LegacyGpuWorkerReplica.connect(gateway.url(), gpu, options);
        await().atMost(WAIT)
                .until(() -> gateway.connections().size() == 1
                        && gateway.last().frames().size() >= 2);
        return gateway.last();
    }

    @Test
    void onOpenItRegistersWithAVersionThenAnnouncesOnlineAndSendsNoHeartbeat() {
        TinyWebSocketServer.Connection connection = connect(LegacyGpuWorkerReplica.Options.defaults());

        List<JsonNode> frames = connection.frames();
        assertThat(frames.get(0).propertyNames()).containsExactly("type", "role", "version", "ts");
        assertThat(frames.get(0).path("type").asString()).isEqualTo("register");
        assertThat(frames.get(0).path("role").asString()).isEqualTo("worker");
        assertThat(frames.get(0).path("version").asString()).isEqualTo("1.0");
        assertThat(frames.get(0).path("ts").isIntegralNumber()).isTrue();
        assertThat(frames.get(1).propertyNames()).containsExactly("type", "status", "msg", "ts");
        assertThat(frames.get(1).path("type").asString()).isEqualTo("gpu.power.online");
        assertThat(frames.get(1).path("status").asString()).isEqualTo("running");
        assertThat(frames.get(1).path("msg").asString()).isEqualTo("GPU服务器已启动");
        await().during(Duration.ofMillis(500))
                .atMost(WAIT)
                .until(() -> connection.frames().size() == 2);
        assertThat(worker.sent())
                .map(JsonNode::toString)
                .isEqualTo(connection.frames().stream().map(JsonNode::toString).toList());
    }

    @Test
    void itAnswersAServerPingWithPong() {
        TinyWebSocketServer.Connection connection = connect(LegacyGpuWorkerReplica.Options.defaults());

        connection.send("{\"type\":\"ping\"}");

        await().atMost(WAIT).until(() -> connection.frames("pong").size() == 1);
        assertThat(connection.frames("pong").get(0)).isEqualTo(JSON.readTree("{\"type\":\"pong\"}"));
    }

    @Test
    void heygemSubmitIsAnsweredAtAcceptanceThenFollowedOnlyByProgressFramesNeverACompletionResult() {
        TinyWebSocketServer.Connection connection = connect(LegacyGpuWorkerReplica.Options.defaults());

        connection.sendSplit(submitFrame("req-1", "LIC-1", 42, AUDIO_MD5));

        await().atMost(WAIT).until(() -> connection.frames("gpu.job.result").size() == 1);
        JsonNode accepted = connection.frames("gpu.job.result").get(0);
        assertThat(accepted.propertyNames())
                .containsExactly("type", "task_type", "request_id", "key", "sender_fd", "error", "result");
        assertThat(accepted.path("task_type").asString()).isEqualTo("heygem_submit");
        assertThat(accepted.path("request_id").asString()).isEqualTo("req-1");
        assertThat(accepted.path("key").asString()).isEqualTo("LIC-1");
        assertThat(accepted.path("sender_fd").asInt()).isEqualTo(42);
        assertThat(accepted.path("error").asBoolean()).isFalse();
        assertThat(accepted.path("result").path("task_id").asString()).isEqualTo("req-1");
        assertThat(accepted.path("result").path("queue").propertyNames())
                .containsExactly("total_tasks", "processing", "queued", "max_concurrent");

        await().atMost(WAIT).until(() -> gpu.status("req-1").orElse("").equals("done"));
        await().atMost(WAIT).until(() -> connection.frames("gpu.task.progress").size() == 2);
        List<JsonNode> progress = connection.frames("gpu.task.progress");
        assertThat(progress.get(0).propertyNames())
                .containsExactly(
                        "type",
                        "task_id",
                        "key",
                        "sender_fd",
                        "status",
                        "progress",
                        "message",
                        "total_frames",
                        "current_frame",
                        "ts");
        assertThat(progress.get(0).path("task_id").asString()).isEqualTo("req-1");
        assertThat(progress.get(0).path("key").asString()).isEqualTo("LIC-1");
        assertThat(progress.get(0).path("sender_fd").asInt()).isEqualTo(42);
        assertThat(progress.get(0).path("status").asString()).isEqualTo("processing");
        assertThat(progress.get(0).path("progress").asInt()).isEqualTo(5);
        assertThat(progress.get(0).path("message").asString()).isEqualTo("开始处理...");
        assertThat(progress.get(1).path("status").asString()).isEqualTo("done");
        assertThat(progress.get(1).path("progress").asInt()).isEqualTo(100);
        assertThat(connection.frames("gpu.task.active")).singleElement().satisfies(active -> {
            assertThat(active.path("task_id").asString()).isEqualTo("req-1");
            assertThat(active.path("task_type").asString()).isEqualTo("heygem_processing");
        });
        await().during(Duration.ofMillis(300))
                .atMost(WAIT)
                .until(() -> connection.frames("gpu.job.result").size() == 1);
        assertThat(gpu.resultFile("req-1"))
                .hasValueSatisfying(file -> assertThat(file).hasBinaryContent(gpu.expectedResult("req-1")));
    }

    @Test
    void aFailedSynthesisIsPushedAsAnErrorProgressFrame() {
        TinyWebSocketServer.Connection connection = connect(LegacyGpuWorkerReplica.Options.defaults());
        gpu.failNext("out of memory");

        connection.send(submitFrame("req-f", "LIC-1", 7, AUDIO_MD5));

        await().atMost(WAIT)
                .until(() -> connection.frames("gpu.task.progress").stream()
                        .anyMatch(frame -> frame.path("status").asString().equals("error")));
        JsonNode error = connection.frames("gpu.task.progress").stream()
                .filter(frame -> frame.path("status").asString().equals("error"))
                .findFirst()
                .orElseThrow();
        assertThat(error.path("message").asString()).isEqualTo("合成失败: out of memory");
        assertThat(error.path("progress").asInt()).isZero();
    }

    @Test
    void withoutAKeyOrWithTheCodesBehaviourNoProgressFramesAreSent() {
        TinyWebSocketServer.Connection connection = connect(LegacyGpuWorkerReplica.Options.inferredFromCode());

        connection.send(submitFrame("req-a", "LIC-1", 1, AUDIO_MD5));
        connection.send(submitFrame("req-b", null, 0, AUDIO_MD5));

        await().atMost(WAIT)
                .until(() -> gpu.status("req-a").orElse("").equals("done")
                        && gpu.status("req-b").orElse("").equals("done"));
        await().during(Duration.ofMillis(300))
                .atMost(WAIT)
                .until(() -> connection.frames("gpu.task.progress").isEmpty()
                        && connection.frames("gpu.job.result").size() == 2);
    }

    @Test
    void midSynthesisFrameProgressIsAnOption() {
        TinyWebSocketServer.Connection connection =
                connect(LegacyGpuWorkerReplica.Options.defaults().withPushFrameProgress(true));

        connection.send(submitFrame("req-p", "LIC-1", 3, AUDIO_MD5));

        await().atMost(WAIT)
                .until(() -> connection.frames("gpu.task.progress").stream()
                        .anyMatch(frame -> frame.path("status").asString().equals("done")));
        List<JsonNode> synthesizing = connection.frames("gpu.task.progress").stream()
                .filter(frame -> frame.path("status").asString().equals("synthesizing"))
                .toList();
        assertThat(synthesizing).hasSize(4);
        assertThat(synthesizing.get(0).path("message").asString()).isEqualTo("合成中 25/125 帧 (23%)");
        assertThat(synthesizing)
                .extracting(frame -> frame.path("progress").asInt())
                .isSorted();
    }

    @Test
    void aMissingInputIsAnErrorResultWithoutResult() {
        TinyWebSocketServer.Connection connection = connect(LegacyGpuWorkerReplica.Options.defaults());

        connection.send(submitFrame("req-m", "LIC-1", 5, "0123456789abcdef0123456789abcdef"));
        connection.send(
                "{\"type\":\"gpu.job.submit\",\"task_type\":\"heygem_submit\",\"request_id\":\"req-e\",\"key\":\"K\","
                        + "\"sender_fd\":5,\"payload\":{\"audio_hash\":\"\"}}");

        await().atMost(WAIT).until(() -> connection.frames("gpu.job.result").size() == 2);
        JsonNode missing = result(connection, "req-m");
        assertThat(missing.propertyNames())
                .containsExactly("type", "task_type", "request_id", "key", "sender_fd", "error", "error_msg");
        assertThat(missing.path("error").asBoolean()).isTrue();
        assertThat(missing.path("error_msg").asString()).isEqualTo("音频文件不存在: 0123456789abcdef0123456789abcdef.wav");
        assertThat(result(connection, "req-e").path("error_msg").asString()).isEqualTo("缺少 audio_hash 或 video_hash");
        assertThat(gpu.status("req-m")).isEmpty();
    }

    @Test
    void aRequestIdSeenBeforeIsDroppedEvenWhenItFailed() {
        TinyWebSocketServer.Connection connection = connect(LegacyGpuWorkerReplica.Options.defaults());
        String unknown = "{\"type\":\"gpu.job.submit\",\"task_type\":\"resize\",\"request_id\":\"req-d\",\"key\":\"K\","
                + "\"sender_fd\":0,\"payload\":{}}";

        connection.send(unknown);
        connection.send(unknown);

        await().during(Duration.ofMillis(300))
                .atMost(WAIT)
                .until(() -> connection.frames("gpu.job.result").size() == 1);
        assertThat(result(connection, "req-d").path("error_msg").asString()).isEqualTo("未知任务类型: resize");
    }

    @Test
    void legacyFramesAndUnknownTypesGetUnknownTaskTypeErrors() {
        TinyWebSocketServer.Connection connection = connect(LegacyGpuWorkerReplica.Options.defaults());

        connection.send("{\"type\":\"url\",\"url\":\"https://example.test/v\",\"key\":\"K\"}");
        connection.send("{\"type\":\"registered\",\"role\":\"worker\"}");
        connection.send("{\"type\":\"connected\",\"fd\":3}");

        await().atMost(WAIT).until(() -> connection.frames("gpu.job.result").size() == 1);
        JsonNode url = connection.frames("gpu.job.result").get(0);
        assertThat(url.path("task_type").asString()).isEqualTo("url");
        assertThat(url.path("error_msg").asString()).isEqualTo("未知任务类型: url");
        assertThat(worker.received()).hasSize(3);
    }

    @Test
    void aBatchEnvelopeRunsEachJob() {
        TinyWebSocketServer.Connection connection = connect(LegacyGpuWorkerReplica.Options.defaults());

        connection.send("{\"type\":\"gpu.job.dispatch.batch\",\"data\":{\"jobs\":["
                + submitFrame("req-b1", "K", 0, AUDIO_MD5) + ","
                + "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"request_id\":\"req-b2\",\"key\":\"K\","
                + "\"sender_fd\":0,\"payload\":{\"id\":12,\"license_key\":\"K\"}}]}}");

        await().atMost(WAIT).until(() -> connection.frames("gpu.job.result").size() == 2);
        assertThat(result(connection, "req-b1").path("result").path("task_id").asString())
                .isEqualTo("req-b1");
        assertThat(result(connection, "req-b2").path("result"))
                .isEqualTo(JSON.readTree("{\"id\":12,\"msg\":\"删除成功\"}"));
    }

    @Test
    void deleteAssetNeedsAnIdAndALicenseKey() {
        TinyWebSocketServer.Connection connection = connect(LegacyGpuWorkerReplica.Options.defaults());

        connection.send("{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"request_id\":\"del-1\","
                + "\"key\":\"K\",\"sender_fd\":0,\"payload\":{\"id\":9}}");

        await().atMost(WAIT).until(() -> connection.frames("gpu.job.result").size() == 1);
        assertThat(result(connection, "del-1").path("error_msg").asString()).isEqualTo("缺少 id 或 license_key");
    }

    @Test
    void uploadAssetMovesAReadableFileIntoTheAssetStoreFromWhichASubmitRestoresThePool(@TempDir Path dir)
            throws Exception {
        TinyWebSocketServer.Connection connection = connect(LegacyGpuWorkerReplica.Options.defaults());
        byte[] voice = "a voice sample".getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("asset_65f1.wav"), voice);

        connection.send(uploadAssetFrame("up-1", Map.of("asset_type", "voice", "name", "me", "license_key", "K")));
        connection.send(uploadAssetFrame(
                "up-2",
                Map.of(
                        "file_path",
                        dir.resolve("gone.wav").toString(),
                        "asset_type",
                        "voice",
                        "name",
                        "me",
                        "license_key",
                        "K")));
        connection.send(uploadAssetFrame(
                "up-3", Map.of("file_path", file.toString(), "asset_type", "voice", "name", "me", "license_key", "K")));

        await().atMost(WAIT).until(() -> connection.frames("gpu.job.result").size() == 3);
        assertThat(result(connection, "up-1").path("error_msg").asString()).isEqualTo("缺少必要参数");
        assertThat(result(connection, "up-2").path("error_msg").asString())
                .isEqualTo("文件不存在: " + dir.resolve("gone.wav"));
        JsonNode uploaded = result(connection, "up-3").path("result");
        assertThat(uploaded.path("name").asString()).isEqualTo("me");
        assertThat(uploaded.path("msg").asString()).isEqualTo("上传成功");
        assertThat(file).doesNotExist();
        String voiceMd5 = HeyGemServerReplica.md5(voice);
        assertThat(gpu.assets()).singleElement().satisfies(asset -> {
            assertThat(asset.id()).isEqualTo(uploaded.path("id").asLong());
            assertThat(asset.fileHash()).isEqualTo(voiceMd5);
        });
        assertThat(gpu.pooled(voiceMd5, ".wav")).isFalse();

        connection.send(submitFrame("req-v", "K", 0, voiceMd5));

        await().atMost(WAIT).until(() -> gpu.status("req-v").orElse("").equals("done"));
        assertThat(gpu.pooled(voiceMd5, ".wav")).isTrue();
    }

    @Test
    void theSeedGuidesProgressPatternIsAResultFrameWithTaskTypeProgress() {
        TinyWebSocketServer.Connection connection = connect(LegacyGpuWorkerReplica.Options.defaults());

        worker.sendSeedProgress("req-s", 10, 100);

        await().atMost(WAIT).until(() -> connection.frames("gpu.job.result").size() == 1);
        assertThat(connection.frames("gpu.job.result").get(0))
                .isEqualTo(
                        JSON.readTree(
                                "{\"type\":\"gpu.job.result\",\"task_type\":\"progress\",\"request_id\":\"req-s\","
                                        + "\"key\":\"\",\"sender_fd\":0,\"error\":false,\"result\":{\"progress\":10,\"total\":100}}"));
    }

    @Test
    void framesProducedWhileDroppedAreLostAndAReconnectRegistersAgain() {
        TinyWebSocketServer.Connection first = connect(LegacyGpuWorkerReplica.Options.defaults());
        first.send(submitFrame("req-r", "K", 2, AUDIO_MD5));
        await().atMost(WAIT).until(() -> first.frames("gpu.job.result").size() == 1);

        worker.drop();
        await().atMost(WAIT).until(() -> gpu.status("req-r").orElse("").equals("done"));
        await().atMost(WAIT)
                .until(() -> worker.dropped().stream()
                        .anyMatch(frame -> frame.path("status").asString().equals("done")));
        worker.reconnect();

        await().atMost(WAIT)
                .until(() -> gateway.connections().size() == 2
                        && gateway.last().frames().size() >= 2);
        TinyWebSocketServer.Connection second = gateway.last();
        assertThat(second.frames().get(0).path("type").asString()).isEqualTo("register");
        assertThat(second.frames().get(1).path("type").asString()).isEqualTo("gpu.power.online");
        second.send(submitFrame("req-r", "K", 2, AUDIO_MD5));
        await().during(Duration.ofMillis(300))
                .atMost(WAIT)
                .until(() -> second.frames("gpu.job.result").isEmpty());
    }

    @Test
    void tenSubmitsThroughTheWorkerNeverHoldMoreThanMaxConcurrentOnTheGpu() {
        TinyWebSocketServer.Connection connection = connect(LegacyGpuWorkerReplica.Options.defaults());

        for (int i = 0; i < 10; i++) {
            connection.send(submitFrame("req-c" + i, "K", i, AUDIO_MD5));
        }

        await().atMost(Duration.ofSeconds(20))
                .until(() -> connection.frames("gpu.task.progress").stream()
                                .filter(frame -> frame.path("status").asString().equals("done"))
                                .count()
                        == 10);
        assertThat(connection.frames("gpu.job.result")).hasSize(10);
        assertThat(gpu.maxProcessingSeen()).isBetween(1, 3);
    }

    private static JsonNode result(TinyWebSocketServer.Connection connection, String requestId) {
        return connection.frames("gpu.job.result").stream()
                .filter(frame -> frame.path("request_id").asString().equals(requestId))
                .findFirst()
                .orElseThrow();
    }

    private static String submitFrame(String requestId, String key, int senderFd, String audioHash) {
        return "{\"type\":\"gpu.job.submit\",\"task_type\":\"heygem_submit\",\"request_id\":\"" + requestId + "\","
                + (key == null ? "" : "\"key\":\"" + key + "\",")
                + "\"sender_fd\":" + senderFd + ",\"payload\":{\"audio_hash\":\"" + audioHash
                + "\",\"audio_ext\":\".wav\",\"video_hash\":\"" + VIDEO_MD5 + "\",\"video_ext\":\".mp4\","
                + "\"task_id\":\"ignored\"}}";
    }

    private static String uploadAssetFrame(String requestId, Map<String, String> payload) {
        return "{\"type\":\"gpu.job.submit\",\"task_type\":\"upload_asset\",\"request_id\":\"" + requestId
                + "\",\"key\":\"K\",\"sender_fd\":0,\"payload\":" + JSON.writeValueAsString(payload) + "}";
    }
}
