package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.Http.Part;
import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.avro.AssetType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.UploadAssetPayload;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Licenses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@AssetApiIntegrationTest
class AssetCatalogueIT {

    @LocalServerPort
    int port;

    @Value("${dsp.data-dir}")
    Path dataDir;

    String license;
    ApiClient app;

    @BeforeEach
    void provisionALicense() {
        license = "assets-" + UUID.randomUUID();
        app = LicensedApp.provision(base(), license);
    }

    @Test
    void anUploadWhileNoWorkerRunsIsListedAtOnceAndQueuedForTheFleet() throws Exception {
        byte[] content = ("voice-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);

        ApiClient.Answer answer = upload(license, "voice", "我的音色", "sample.WAV", content);

        assertThat(answer.code()).as(answer.body().toString()).isZero();
        assertThat(answer.msg()).isEqualTo("已排队");
        JsonNode data = answer.data();
        assertThat(data.path("queued").asBoolean()).isTrue();
        assertThat(data.path("msg").asString()).isEqualTo("GPU 服务器未上线，上传任务已排队，服务器启动后自动处理（约2分钟）");
        assertThat(data.path("request_id").asString()).startsWith("upload_asset_");
        long id = data.path("id").asLong();
        assertThat(id).isPositive().isLessThanOrEqualTo((1L << 53) - 1);
        assertThat(data.path("file_hash").asString()).isEqualTo(md5(content));
        assertThat(data.path("file_ext").asString()).isEqualTo(".wav");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode list = app.get("/api/asset/list?asset_type=voice").data();
            assertThat(list).hasSize(1);
            JsonNode item = list.get(0);
            assertThat(item.path("id").asLong()).isEqualTo(id);
            assertThat(item.path("asset_type").asString()).isEqualTo("voice");
            assertThat(item.path("name").asString()).isEqualTo("我的音色");
            assertThat(item.path("file_hash").asString()).isEqualTo(md5(content));
            assertThat(item.path("file_ext").asString()).isEqualTo(".wav");
            assertThat(item.path("file_size").asLong()).isEqualTo(content.length);
            assertThat(item.path("created_at").asLong())
                    .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
            assertThat(item.path("days_left").asInt()).isEqualTo(29);
        });
        assertThat(TestKafka.tasksOf(license)).singleElement().satisfies(task -> {
            assertThat(task.getTaskType()).isEqualTo("upload_asset");
            assertThat(task.getRequestId()).isEqualTo(data.path("request_id").asString());
            UploadAssetPayload payload = (UploadAssetPayload) task.getPayload();
            assertThat(payload.getAssetId()).isEqualTo(id);
            assertThat(payload.getFileHash()).isEqualTo(md5(content));
            assertThat(payload.getFileSize()).isEqualTo(content.length);
            assertThat(payload.getOriginalFilename()).isEqualTo("sample.WAV");
        });
        assertThat(blobFiles()).anyMatch(p -> p.getFileName().toString().equals(md5(content)));
    }

    @Test
    void withAWorkerOnlineUploadAndDeleteGiveTheOnlineAnswers() {
        String worker = "catalogue-it-worker-" + UUID.randomUUID();
        TestKafka.workerOnline(worker);
        try {
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(app.postJson("/api/heygem/health/proxy", "{}")
                                    .body()
                                    .path("gpu_status")
                                    .asString())
                            .isEqualTo("online"));

            ApiClient.Answer uploaded = upload(license, "avatar", "在线", "live.mp4", randomBytes(300));
            assertThat(uploaded.msg()).isEqualTo("上传成功");
            assertThat(uploaded.data().has("queued")).isFalse();
            assertThat(uploaded.data().path("request_id").asString()).startsWith("upload_asset_");
            long id = uploaded.data().path("id").asLong();

            ApiClient.Answer deleted = app.postJson("/api/asset/delete", "{\"id\":" + id + "}");
            assertThat(deleted.code()).isZero();
            assertThat(deleted.msg()).isEqualTo("已删除");
            assertThat(deleted.data().path("request_id").asString()).startsWith("del_asset_");
        } finally {
            TestKafka.workerLeaves(worker);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(app.postJson("/api/heygem/health/proxy", "{}")
                                    .body()
                                    .path("gpu_status")
                                    .asString())
                            .isEqualTo("offline"));
        }
    }

    @Test
    void theListFiltersByTypeShowsNewestFirstAndHidesExpiredAssets() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long base = uniqueIdBase();
        publish(base + 1, license, AssetType.voice, now.minus(Duration.ofDays(3)), null);
        publish(base + 2, license, AssetType.voice, now.minus(Duration.ofDays(1)), null);
        publish(base + 3, license, AssetType.avatar, now.minus(Duration.ofDays(2)), null);
        publish(base + 4, license, AssetType.voice, now.minus(Duration.ofDays(31)), null);
        publish(base + 5, license, AssetType.voice, now.minus(Duration.ofDays(1)), now.minusSeconds(1));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(ids(app.get("/api/asset/list?asset_type=voice"))).containsExactly(base + 2, base + 1);
            assertThat(ids(app.get("/api/dsp/asset/list"))).containsExactly(base + 2, base + 3, base + 1);
            assertThat(ids(app.get("/api/asset/list?asset_type=avatar"))).containsExactly(base + 3);
        });
        JsonNode oldest = app.get("/api/asset/list?asset_type=voice").data().get(1);
        assertThat(oldest.path("days_left").asInt()).isEqualTo(26);
        ApiClient.Answer bad = app.get("/api/asset/list?asset_type=music");
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.msg()).isEqualTo("asset_type 必须为 voice 或 avatar");
    }

    @Test
    void aLicenseNeverSeesNorDeletesAnotherLicensesAssets() {
        String other = "other-" + UUID.randomUUID();
        Licenses.provisionActive(other);
        ApiClient intruder = ApiClient.forLicense(base(), other, "m2");
        ApiClient.Answer mine = upload(license, "avatar", "形象", "me.mp4", randomBytes(100));
        long id = mine.data().path("id").asLong();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(ids(app.get("/api/asset/list"))).contains(id);
            assertThat(intruder.get("/api/asset/list").code()).isZero();
        });
        assertThat(intruder.get("/api/asset/list").data()).isEmpty();
        ApiClient.Answer delete = intruder.postJson("/api/asset/delete", "{\"id\":" + id + "}");
        assertThat(delete.code()).isEqualTo(1);
        assertThat(delete.msg()).isEqualTo("资产不存在");
        assertThat(TestKafka.tasksOf(other)).isEmpty();
        assertThat(ids(app.get("/api/asset/list"))).contains(id);
    }

    @Test
    void theSameContentUploadedTwiceIsOneAssetAndOneTask() {
        byte[] content = randomBytes(2048);

        ApiClient.Answer first = upload(license, "voice", "a", "a.wav", content);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(ids(app.get("/api/asset/list"))).hasSize(1));
        ApiClient.Answer second = upload(license, "voice", "b", "b.wav", content);

        assertThat(second.code()).isZero();
        assertThat(second.data().path("id").asLong())
                .isEqualTo(first.data().path("id").asLong());
        assertThat(second.data().path("deduplicated").asBoolean()).isTrue();
        assertThat(TestKafka.tasksOf(license)).hasSize(1);
    }

    @Test
    void aDeletedAssetLeavesTheListAtOnce() {
        ApiClient.Answer uploaded = upload(license, "voice", "gone", "g.wav", randomBytes(64));
        long id = uploaded.data().path("id").asLong();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(ids(app.get("/api/asset/list"))).containsExactly(id));

        ApiClient.Answer deleted = app.postJson("/api/asset/delete", "{\"id\":" + id + "}");

        assertThat(deleted.msg()).isEqualTo("已排队");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(ids(app.get("/api/asset/list"))).isEmpty());
        assertThat(TestKafka.tasksOf(license))
                .extracting(TaskRequested::getTaskType)
                .containsExactly("upload_asset", "delete_asset");
    }

    @Test
    void badUploadsGetAClearErrorAndWriteNothing() throws IOException {
        List<Path> blobsBefore = blobFiles();
        byte[] tooBig = randomBytes(AssetApiIntegrationTest.MAX_FILE_KB * 1024 + 1);

        assertRefused(upload(license, "voice", "big", "big.wav", tooBig), "文件过大，最大 64 KB");
        assertRefused(upload(license, "music", "x", "x.wav", randomBytes(10)), "asset_type 必须为 voice 或 avatar");
        assertRefused(upload(license, "", "x", "x.wav", randomBytes(10)), "缺少 asset_type 或 name 参数");
        assertRefused(upload(license, "voice", "x", "x.wav", new byte[0]), "缺少 file");
        assertRefused(
                Http.multipart(
                        base() + "/api/asset/upload",
                        Http.licenseHeaders(license, "m1"),
                        Part.field("asset_type", "voice"),
                        Part.field("name", "no file")),
                "缺少 file");
        assertRefused(app.postJson("/api/asset/upload", "{}"), "缺少 file");

        assertThat(blobFiles()).isEqualTo(blobsBefore);
        assertThat(TestKafka.tasksOf(license)).isEmpty();
        assertThat(app.get("/api/asset/list").data()).isEmpty();
    }

    private static void assertRefused(ApiClient.Answer answer, String message) {
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        assertThat(answer.code()).as(answer.body().toString()).isEqualTo(1);
        assertThat(answer.msg()).isEqualTo(message);
    }

    private ApiClient.Answer upload(String licenseKey, String type, String name, String filename, byte[] content) {
        return Http.multipart(
                base() + "/api/asset/upload",
                Http.licenseHeaders(licenseKey, licenseKey.equals(license) ? "m1" : "m2"),
                Part.file("file", filename, content),
                Part.field("asset_type", type),
                Part.field("name", name));
    }

    private List<Path> blobFiles() throws IOException {
        Path root = dataDir.resolve("blobs");
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static List<Long> ids(ApiClient.Answer answer) {
        assertThat(answer.code()).as(answer.body().toString()).isZero();
        return answer.data().valueStream().map(n -> n.path("id").asLong()).toList();
    }

    private static void publish(long id, String owner, AssetType type, Instant createdAt, Instant expiresAt) {
        TestKafka.publish(
                Topics.ASSETS,
                id,
                AssetRecord.newBuilder()
                        .setAssetId(id)
                        .setLicenseKey(owner)
                        .setAssetType(type)
                        .setName("n" + id)
                        .setFileHash("0".repeat(32))
                        .setFileExt(".wav")
                        .setFileSize(1)
                        .setCreatedAt(createdAt)
                        .setExpiresAt(expiresAt)
                        .build());
    }

    /** Ids far above the sequence's, so published test assets never collide with uploaded ones. */
    private static long uniqueIdBase() {
        return (1L << 40) + Math.floorMod(UUID.randomUUID().getMostSignificantBits(), 1L << 30) * 10;
    }

    static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new java.util.Random().nextBytes(bytes);
        return bytes;
    }

    static String md5(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
