package io.dsp.testkit.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class HeyGemServerReplicaTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "gpu-secret";
    private static final byte[] AUDIO = "audio bytes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VIDEO = "video bytes".getBytes(StandardCharsets.UTF_8);
    private static final String AUDIO_MD5 = HeyGemServerReplica.md5(AUDIO);
    private static final String VIDEO_MD5 = HeyGemServerReplica.md5(VIDEO);

    private final HttpClient http = HttpClient.newHttpClient();
    private HeyGemServerReplica replica;

    @AfterEach
    void stop() {
        if (replica != null) {
            replica.close();
        }
    }

    private HeyGemServerReplica start(HeyGemServerReplica.Options options) {
        replica = HeyGemServerReplica.start(options);
        return replica;
    }

    @Test
    void healthNeedsNoSecretAndCarriesInitializedAtTheTopLevel() throws Exception {
        start(HeyGemServerReplica.Options.defaults().withApiSecret(SECRET));

        HttpResponse<String> health = send(get("/api/heygem/health", null));

        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(health.body());
        assertThat(body.path("code").asInt()).isZero();
        assertThat(body.path("msg").asString()).isEqualTo("ok");
        assertThat(body.path("initialized").asBoolean()).isTrue();
        assertThat(body.path("queue").path("max_concurrent").asInt()).isEqualTo(3);
        assertThat(health.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }

    @Test
    void everyOtherRouteNeedsTheBearerSecretAndATokenParameterIsNotAccepted() throws Exception {
        start(HeyGemServerReplica.Options.defaults().withApiSecret(SECRET));

        HttpResponse<String> none = send(get("/api/heygem/queue", null));
        HttpResponse<String> wrong = send(get("/api/heygem/queue", "other"));
        HttpResponse<String> token = send(get("/api/heygem/queue?token=" + SECRET, null));
        HttpResponse<String> right = send(get("/api/heygem/queue", SECRET));

        for (HttpResponse<String> refused : List.of(none, wrong, token)) {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(refused.body())).isEqualTo(JSON.readTree("{\"code\":401,\"msg\":\"鉴权失败\"}"));
        }
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(right.body()).path("data").path("tasks").isArray())
                .isTrue();
    }

    @Test
    void uploadFileKeepsTheFileUnderItsActualMd5AndCheckFilesThenFindsIt() throws Exception {
        start(HeyGemServerReplica.Options.defaults());

        HttpResponse<String> upload = send(upload("tmp_1700000000_42", ".wav", AUDIO));
        JsonNode data = JSON.readTree(upload.body()).path("data");
        HttpResponse<String> check = send(postJson(
                "/api/heygem/check_files",
                "{\"files\":[{\"hash\":\"" + AUDIO_MD5 + "\",\"ext\":\".wav\"},"
                        + "{\"hash\":\"tmp_1700000000_42\",\"ext\":\".wav\"},"
                        + "{\"hash\":\"" + VIDEO_MD5 + "\",\"ext\":\".mp4\"}]}"));

        assertThat(upload.statusCode()).isEqualTo(200);
        assertThat(data.path("hash").asString()).isEqualTo(AUDIO_MD5);
        Path stored = Path.of(data.path("server_path").asString());
        assertThat(stored).isAbsolute().hasFileName(AUDIO_MD5 + ".wav").hasBinaryContent(AUDIO);
        assertThat(replica.pooled(AUDIO_MD5, ".wav")).isTrue();
        assertThat(JSON.readTree(check.body()).path("data"))
                .isEqualTo(JSON.readTree(
                        "{\"" + AUDIO_MD5 + "\":true,\"tmp_1700000000_42\":false,\"" + VIDEO_MD5 + "\":false}"));
    }

    @Test
    void uploadFileWithoutFileOrHashIsRefusedAndStoresNothing() throws Exception {
        start(HeyGemServerReplica.Options.defaults());

        HttpResponse<String> noFile = send(multipart(List.of(field("hash", "x"), field("ext", ".wav"))));
        HttpResponse<String> noHash = send(multipart(List.of(file("file", "a.wav", AUDIO))));

        assertThat(noFile.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noFile.body()).path("msg").asString()).isEqualTo("缺少 file 字段");
        assertThat(noHash.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noHash.body()).path("msg").asString()).isEqualTo("缺少 hash 字段");
        assertThat(replica.pooled(AUDIO_MD5, ".wav")).isFalse();
    }

    @Test
    void aBodyThatIsNotJsonIsA400() throws Exception {
        start(HeyGemServerReplica.Options.defaults());

        HttpResponse<String> reply = send(postJson("/api/heygem/submit", "{not json"));

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(reply.body())).isEqualTo(JSON.readTree("{\"code\":400,\"msg\":\"请求体必须是合法的JSON\"}"));
    }

    @Test
    void submitNeedsBothHashesAndBothFilesInThePool() throws Exception {
        start(HeyGemServerReplica.Options.defaults());
        replica.pool(AUDIO_MD5, ".wav", AUDIO);

        HttpResponse<String> empty = send(postJson("/api/heygem/submit", "{\"audio_hash\":\"\",\"video_hash\":\"v\"}"));
        HttpResponse<String> noAudio = send(postJson("/api/heygem/submit", submitBody("feedface", VIDEO_MD5)));
        HttpResponse<String> noVideo = send(postJson("/api/heygem/submit", submitBody(AUDIO_MD5, VIDEO_MD5)));

        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(empty.body()).path("msg").asString()).isEqualTo("audio_hash 和 video_hash 不能为空");
        assertThat(noAudio.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(noAudio.body()).path("msg").asString()).isEqualTo("音频文件不存在: feedface.wav，请先上传");
        assertThat(noVideo.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(noVideo.body()).path("msg").asString())
                .isEqualTo("视频文件不存在: " + VIDEO_MD5 + ".mp4，请先上传");
        assertThat(JSON.readTree(send(get("/api/heygem/queue", null)).body())
                        .path("data")
                        .path("total_tasks")
                        .asInt())
                .isZero();
    }

    @Test
    void aSubmittedTaskRunsToDoneAndItsVideoDownloadsWholeAndByRange() throws Exception {
        start(HeyGemServerReplica.Options.defaults().withSynthesisTime(Duration.ofMillis(300)));
        poolInputs();

        JsonNode submitted = JSON.readTree(send(postJson("/api/heygem/submit", submitBody(AUDIO_MD5, VIDEO_MD5)))
                .body());
        String taskId = submitted.path("data").path("task_id").asString();
        HttpResponse<byte[]> early = sendBytes(get("/api/heygem/download?task_id=" + taskId, null));

        assertThat(submitted.path("code").asInt()).isZero();
        assertThat(submitted.path("msg").asString()).isEqualTo("任务已提交");
        assertThat(taskId).matches("[0-9a-f]{16}");
        assertThat(submitted.path("data").path("queue").path("max_concurrent").asInt())
                .isEqualTo(3);
        assertThat(early.statusCode()).isEqualTo(400);
        assertThat(new String(early.body(), StandardCharsets.UTF_8))
                .matches(".*任务尚未完成 \\(当前状态: (queued|processing)\\).*");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> "done".equals(progress(taskId).path("status").asString()));
        JsonNode done = progress(taskId);
        assertThat(done.path("progress").asInt()).isEqualTo(100);
        assertThat(done.path("message").asString()).isEqualTo("合成完成");
        assertThat(done.path("total_frames").asInt())
                .isEqualTo(done.path("current_frame").asInt());
        assertThat(done.path("started_at").asDouble())
                .isGreaterThanOrEqualTo(done.path("created_at").asDouble());
        assertThat(done.path("finished_at").asDouble())
                .isGreaterThanOrEqualTo(done.path("started_at").asDouble());
        assertThat(done.path("error").isNull()).isTrue();

        HttpResponse<byte[]> whole = sendBytes(get("/api/heygem/download?task_id=" + taskId, null));
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(whole.headers().firstValue("Content-Disposition"))
                .hasValue("inline; filename=\"" + taskId + ".mp4\"");
        assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        byte[] expected = replica.expectedResult(taskId);
        assertThat(expected).hasSize(64 * 1024);
        assertThat(whole.body()).isEqualTo(expected);
        assertThat(replica.resultFile(taskId))
                .hasValueSatisfying(file -> assertThat(file).hasBinaryContent(expected));

        HttpResponse<byte[]> slice =
                sendBytes(HttpRequest.newBuilder(replica.url().resolve("/api/heygem/download?task_id=" + taskId))
                        .header("Range", "bytes=100-199")
                        .build());
        assertThat(slice.statusCode()).isEqualTo(206);
        assertThat(slice.headers().firstValue("Content-Range")).hasValue("bytes 100-199/" + expected.length);
        assertThat(slice.body()).isEqualTo(Arrays.copyOfRange(expected, 100, 200));
    }

    @Test
    void theVideoDependsOnTheInputsAndTheTaskIdOnly() {
        byte[] one = HeyGemServerReplica.video("a", "v", "t1", 1000);

        assertThat(HeyGemServerReplica.video("a", "v", "t1", 1000)).isEqualTo(one);
        assertThat(HeyGemServerReplica.video("a", "v", "t2", 1000)).isNotEqualTo(one);
        assertThat(HeyGemServerReplica.video("b", "v", "t1", 1000)).isNotEqualTo(one);
        assertThat(new String(one, 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
    }

    @Test
    void tenSubmitsNeverHaveMoreThanMaxConcurrentProcessingAndTheRestWaitQueued() throws Exception {
        start(HeyGemServerReplica.Options.defaults().withSynthesisTime(Duration.ofMillis(600)));
        poolInputs();
        List<String> taskIds = new ArrayList<>();

        for (int i = 0; i < 10; i++) {
            taskIds.add(JSON.readTree(send(postJson("/api/heygem/submit", submitBody(AUDIO_MD5, VIDEO_MD5)))
                            .body())
                    .path("data")
                    .path("task_id")
                    .asString());
        }
        JsonNode lastQueued = progress(taskIds.get(9));

        assertThat(lastQueued.path("status").asString()).isEqualTo("queued");
        assertThat(lastQueued.path("queue_position").asInt()).isBetween(1, 7);
        assertThat(lastQueued.path("message").asString()).startsWith("排队等待中... (第");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> taskIds.stream()
                        .allMatch(id -> replica.status(id).orElse("").equals("done")));
        assertThat(replica.maxProcessingSeen()).isEqualTo(3);
        assertThat(replica.processing()).isZero();
        JsonNode queue =
                JSON.readTree(send(get("/api/heygem/queue", null)).body()).path("data");
        assertThat(queue.path("total_tasks").asInt()).isEqualTo(10);
        assertThat(queue.path("processing").asInt()).isZero();
        assertThat(queue.path("queued").asInt()).isZero();
        assertThat(taskIds).doesNotHaveDuplicates();
    }

    @Test
    void aScriptedFailureEndsTheNextSynthesisInErrorAndDownloadSaysSo() throws Exception {
        start(HeyGemServerReplica.Options.defaults().withSynthesisTime(Duration.ofMillis(100)));
        poolInputs();
        replica.failNext("format video error");

        String taskId = submitTask();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> "error".equals(progress(taskId).path("status").asString()));
        JsonNode failed = progress(taskId);
        assertThat(failed.path("message").asString()).isEqualTo("合成失败: format video error");
        assertThat(failed.path("error").asString()).isEqualTo("format video error");
        assertThat(failed.path("progress").asInt()).isZero();
        HttpResponse<String> download = send(get("/api/heygem/download?task_id=" + taskId, null));
        assertThat(download.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(download.body()).path("msg").asString()).isEqualTo("任务尚未完成 (当前状态: error)");
        String next = submitTask();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> replica.status(next).orElse("").equals("done"));
    }

    @Test
    void progressAndDownloadAnswer400Or404ForMissingOrUnknownTasks() throws Exception {
        start(HeyGemServerReplica.Options.defaults());

        HttpResponse<String> noId = send(get("/api/heygem/progress", null));
        HttpResponse<String> unknown = send(get("/api/heygem/progress?task_id=abc", null));
        HttpResponse<String> download = send(get("/api/heygem/download?task_id=abc", null));

        assertThat(noId.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noId.body()).path("msg").asString()).isEqualTo("缺少 task_id");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body())).isEqualTo(JSON.readTree("{\"code\":404,\"msg\":\"任务 abc 不存在\"}"));
        assertThat(download.statusCode()).isEqualTo(404);
    }

    @Test
    void anAssetDeleteOverHttpRemovesTheLicensesAssetAndAnswersDeletedAlsoWhenNothingIsThere(@TempDir Path dir)
            throws Exception {
        start(HeyGemServerReplica.Options.defaults());
        Path file = Files.writeString(dir.resolve("me.wav"), "my voice");
        HeyGemServerReplica.Asset asset = replica.uploadAsset(file, "voice", "me", "K");

        HttpResponse<String> otherLicense =
                send(postJson("/api/asset/delete", "{\"id\":" + asset.id() + ",\"license_key\":\"L\"}"));
        assertThat(replica.assets()).hasSize(1);
        HttpResponse<String> deleted =
                send(postJson("/api/asset/delete", "{\"id\":" + asset.id() + ",\"license_key\":\"K\"}"));
        HttpResponse<String> again =
                send(postJson("/api/asset/delete", "{\"id\":" + asset.id() + ",\"license_key\":\"K\"}"));
        HttpResponse<String> noLicense = send(postJson("/api/asset/delete", "{\"id\":" + asset.id() + "}"));

        for (HttpResponse<String> answered : List.of(otherLicense, deleted, again)) {
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(answered.body())).isEqualTo(JSON.readTree("{\"code\":0,\"msg\":\"已删除\"}"));
        }
        assertThat(replica.assets()).isEmpty();
        assertThat(asset.path()).doesNotExist();
        assertThat(noLicense.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noLicense.body()).path("msg").asString()).isEqualTo("缺少 id 或 license_key");
    }

    @Test
    void anAssetUploadOverHttpAnswersWithTheRowTheLicenseHasForTheSameFileAndStoresOnlyANewOne(@TempDir Path dir)
            throws Exception {
        start(HeyGemServerReplica.Options.defaults());
        byte[] voice = "my voice".getBytes(StandardCharsets.UTF_8);
        String md5 = HeyGemServerReplica.md5(voice);
        HeyGemServerReplica.Asset byWebSocket =
                replica.uploadAsset(Files.write(dir.resolve(md5 + ".wav"), voice), "voice", "me", "K");

        JsonNode again = JSON.readTree(send(multipart(
                        "/api/asset/upload",
                        List.of(
                                file("file", md5 + ".wav", voice),
                                field("license_key", "K"),
                                field("asset_type", "voice"),
                                field("name", "renamed"))))
                .body());
        JsonNode otherLicense = JSON.readTree(send(multipart(
                        "/api/asset/upload",
                        List.of(
                                file("file", md5 + ".wav", voice),
                                field("license_key", "L"),
                                field("asset_type", "voice"))))
                .body());
        HttpResponse<String> wrongType = send(multipart(
                "/api/asset/upload",
                List.of(file("file", "a.wav", voice), field("license_key", "K"), field("asset_type", "music"))));
        HttpResponse<String> noLicense = send(
                multipart("/api/asset/upload", List.of(file("file", "a.wav", voice), field("asset_type", "voice"))));
        HttpResponse<String> noFile =
                send(multipart("/api/asset/upload", List.of(field("license_key", "K"), field("asset_type", "voice"))));

        assertThat(again.path("code").asInt()).isZero();
        assertThat(again.path("data").path("id").asLong()).isEqualTo(byWebSocket.id());
        assertThat(again.path("data").path("name").asString()).isEqualTo("renamed");
        assertThat(again.path("data").path("file_hash").asString()).isEqualTo(md5);
        assertThat(again.path("data").path("file_ext").asString()).isEqualTo(".wav");
        assertThat(otherLicense.path("data").path("id").asLong()).isNotEqualTo(byWebSocket.id());
        assertThat(otherLicense.path("data").path("name").asString()).isEqualTo(md5);
        assertThat(replica.assets())
                .extracting(HeyGemServerReplica.Asset::licenseKey, HeyGemServerReplica.Asset::name)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("K", "me"), org.assertj.core.groups.Tuple.tuple("L", md5));
        assertThat(replica.pooled(md5, ".wav")).isTrue();
        assertThat(List.of(wrongType, noLicense, noFile))
                .extracting(HttpResponse::statusCode)
                .containsOnly(400);
        assertThat(List.of(wrongType, noLicense, noFile))
                .extracting(r -> JSON.readTree(r.body()).path("msg").asString())
                .containsExactly("asset_type 必须为 voice 或 avatar", "缺少 license_key", "缺少 file");
    }

    @Test
    void aRestartForgetsTasksAndAnExpiredResultIsGone() throws Exception {
        start(HeyGemServerReplica.Options.defaults().withSynthesisTime(Duration.ofMillis(50)));
        poolInputs();
        String done = submitTask();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> replica.status(done).orElse("").equals("done"));

        replica.expireResult(done);
        HttpResponse<String> expired = send(get("/api/heygem/download?task_id=" + done, null));
        replica.forgetTasks();
        HttpResponse<String> forgotten = send(get("/api/heygem/progress?task_id=" + done, null));

        assertThat(expired.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(expired.body()).path("msg").asString()).isEqualTo("结果文件不存在");
        assertThat(forgotten.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(forgotten.body()).path("msg").asString()).isEqualTo("任务 " + done + " 不存在");
        assertThat(replica.pooled(AUDIO_MD5, ".wav")).isTrue();
    }

    @Test
    void withTheContentCacheASecondSubmitOfTheSamePairIsACacheHitWithTheFirstVideo() throws Exception {
        start(HeyGemServerReplica.Options.defaults()
                .withSynthesisTime(Duration.ofMillis(50))
                .withContentCache(true));
        poolInputs();
        String first = submitTask();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> replica.status(first).orElse("").equals("done"));

        JsonNode again = JSON.readTree(send(postJson("/api/heygem/submit", submitBody(AUDIO_MD5, VIDEO_MD5)))
                .body());

        String cacheKey = HeyGemServerReplica.md5((AUDIO_MD5 + "_" + VIDEO_MD5).getBytes(StandardCharsets.UTF_8))
                .substring(0, 16);
        assertThat(again.path("msg").asString()).isEqualTo("缓存命中，直接返回");
        assertThat(again.path("data").path("task_id").asString()).isEqualTo(cacheKey);
        assertThat(again.path("data").path("cached").asBoolean()).isTrue();
        assertThat(progress(cacheKey).path("message").asString()).isEqualTo("合成完成（缓存命中）");
        byte[] body =
                sendBytes(get("/api/heygem/download?task_id=" + cacheKey, null)).body();
        assertThat(body).isEqualTo(replica.expectedResult(first)).isEqualTo(replica.expectedResult(cacheKey));
    }

    @Test
    void unknownPathsAndWrongMethodsAreFlaskErrorsAndEveryCallIsRecorded() throws Exception {
        start(HeyGemServerReplica.Options.defaults());

        HttpResponse<String> missing = send(get("/api/heygem/nothing", null));
        HttpResponse<String> wrongMethod = send(get("/api/heygem/submit", null));

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(replica.calls()).containsExactly("GET /api/heygem/nothing", "GET /api/heygem/submit");
    }

    @Test
    void badOptionsAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> HeyGemServerReplica.Options.defaults().withMaxConcurrent(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConcurrent");
        assertThatThrownBy(() -> HeyGemServerReplica.Options.defaults().withResultBytes(3))
                .hasMessageContaining("resultBytes");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private void poolInputs() {
        replica.pool(AUDIO_MD5, ".wav", AUDIO);
        replica.pool(VIDEO_MD5, ".mp4", VIDEO);
    }

    private String submitTask() throws Exception {
        return JSON.readTree(send(postJson("/api/heygem/submit", submitBody(AUDIO_MD5, VIDEO_MD5)))
                        .body())
                .path("data")
                .path("task_id")
                .asString();
    }

    private JsonNode progress(String taskId) throws Exception {
        return JSON.readTree(send(get("/api/heygem/progress?task_id=" + taskId, null))
                        .body())
                .path("data");
    }

    private static String submitBody(String audio, String video) {
        return "{\"audio_hash\":\"" + audio + "\",\"audio_ext\":\".wav\",\"video_hash\":\"" + video
                + "\",\"video_ext\":\".mp4\"}";
    }

    private HttpRequest get(String path, String secret) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(replica.url().resolve(path));
        if (secret != null) {
            builder.header("Authorization", "Bearer " + secret);
        }
        return builder.build();
    }

    private HttpRequest postJson(String path, String body) {
        return HttpRequest.newBuilder(replica.url().resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private HttpRequest upload(String hash, String ext, byte[] bytes) {
        return multipart(List.of(file("file", "clip" + ext, bytes), field("hash", hash), field("ext", ext)));
    }

    private record Field(String name, String filename, byte[] bytes) {}

    private static Field field(String name, String value) {
        return new Field(name, null, value.getBytes(StandardCharsets.UTF_8));
    }

    private static Field file(String name, String filename, byte[] bytes) {
        return new Field(name, filename, bytes);
    }

    private HttpRequest multipart(List<Field> fields) {
        return multipart("/api/heygem/upload_file", fields);
    }

    private HttpRequest multipart(String path, List<Field> fields) {
        String boundary = "----replica-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Field f : fields) {
            String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.name() + "\""
                    + (f.filename() == null
                            ? ""
                            : "; filename=\"" + f.filename() + "\"\r\nContent-Type: application/octet-stream")
                    + "\r\n\r\n";
            body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
            body.writeBytes(f.bytes());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create(replica.url() + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> sendBytes(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }
}
