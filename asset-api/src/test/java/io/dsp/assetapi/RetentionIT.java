package io.dsp.assetapi;

import static io.dsp.assetapi.AssetCatalogueIT.md5;
import static io.dsp.assetapi.AssetCatalogueIT.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.Http.Part;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.retention.RetentionSweeper;
import io.dsp.core.store.FileSystemResultStore;
import io.dsp.core.store.ResultStore;
import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.avro.AssetType;
import io.dsp.schemas.avro.StoredResult;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.ApiClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Expiry and free space. Instead of waiting a day, a test dates its own files and assets back (file times, an
 * asset's {@code expiresAt}) and calls the sweep, which reads the application's clock; everything else on the shared
 * volume is recent and stays.
 */
@AssetApiIntegrationTest
class RetentionIT {

    static final String DISK_FULL = "服务器存储空间不足，暂停接收上传，请稍后重试";

    @LocalServerPort
    int port;

    @Value("${dsp.data-dir}")
    Path dataDir;

    @Autowired
    RetentionSweeper sweeper;

    @Autowired
    ResultStore results;

    @Autowired
    ScriptedFreeSpace.Probe disk;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ReadModels readModels;

    String license;
    ApiClient app;

    @BeforeEach
    void provisionALicense() {
        license = "retention-" + UUID.randomUUID();
        app = LicensedApp.provision(base(), license);
    }

    @AfterEach
    void realDiskAgain() {
        disk.reset();
    }

    @Test
    void aStagedFilePastItsTtlIsSweptWhileOneACheckRefreshedIsKept() throws Exception {
        String stale = stage(randomBytes(500));
        String refreshed = stage(randomBytes(600));
        lastUsed(stale, Instant.now().minus(Duration.ofHours(25)));
        lastUsed(refreshed, Instant.now().minus(Duration.ofHours(25)));

        // The client is about to use this one: the hit marks it as in use, as the GPU server's pool did.
        assertThat(check(refreshed)).isTrue();
        double before = removed("blob");
        sweeper.sweep();

        assertThat(check(stale)).isFalse();
        assertThat(blobFile(stale)).doesNotExist();
        assertThat(check(refreshed)).isTrue();
        assertThat(removed("blob")).isGreaterThanOrEqualTo(before + 1);
    }

    @Test
    void anExpiredAssetLeavesTheCatalogueWithItsUnreferencedBlobWhileALiveAssetsBlobStays() throws Exception {
        String expiredBlob = stage(randomBytes(700));
        String liveBlob = stage(randomBytes(800));
        Instant longAgo = Instant.now().minus(Duration.ofDays(31));
        lastUsed(expiredBlob, longAgo);
        lastUsed(liveBlob, longAgo);
        long expired = uniqueId();
        long live = expired + 1;
        publishAsset(expired, expiredBlob, longAgo, Instant.now().minus(Duration.ofHours(1)));
        publishAsset(live, liveBlob, longAgo, Instant.now().plus(Duration.ofDays(1)));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(ids(app.get("/api/asset/list"))).containsExactly(live));
        double before = removed("asset");

        sweeper.sweep();

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(catalogued(expired)).isFalse());
        assertThat(catalogued(live)).isTrue();
        assertThat(blobFile(expiredBlob)).doesNotExist();
        // Unused for a month, but a live asset references it.
        assertThat(blobFile(liveBlob)).exists();
        assertThat(removed("asset")).isGreaterThanOrEqualTo(before + 1);
    }

    @Test
    void aResultPastItsTtlIsRemovedFromTheResultStoreAndAFreshOneStays() throws Exception {
        StoredResult old = storeResult(randomBytes(900));
        StoredResult fresh = storeResult(randomBytes(950));
        Path oldFile =
                ((FileSystemResultStore) results).localPath(old.getSha256()).orElseThrow();
        Files.setLastModifiedTime(oldFile, FileTime.from(Instant.now().minus(Duration.ofHours(25))));

        sweeper.sweep();

        assertThat(results.find(old.getSha256())).isEmpty();
        assertThat(results.find(fresh.getSha256())).isPresent();
    }

    @Test
    void deletingAnAssetRemovesItsBlobOnlyOnceNoOtherAssetReferencesIt() throws Exception {
        String other = "retention-" + UUID.randomUUID();
        ApiClient otherApp = LicensedApp.provision(base(), other);
        byte[] content = randomBytes(1000);
        long mine = uploadAsset(license, content);
        long theirs = uploadAsset(other, content);
        String hash = md5(content);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(ids(app.get("/api/asset/list"))).containsExactly(mine);
            assertThat(ids(otherApp.get("/api/asset/list"))).containsExactly(theirs);
        });
        // Past the delete grace, which protects a concurrent upload of the same content.
        lastUsed(hash, Instant.now().minus(Duration.ofHours(1)));

        assertThat(app.postJson("/api/asset/delete", "{\"id\":" + mine + "}").code())
                .isZero();
        assertThat(blobFile(hash))
                .as("the other license's asset still references it")
                .exists();

        assertThat(otherApp.postJson("/api/asset/delete", "{\"id\":" + theirs + "}")
                        .code())
                .isZero();
        assertThat(blobFile(hash)).doesNotExist();
    }

    @Test
    void aDeleteKeepsABlobUsedWithinTheGraceSoAConcurrentUploadOfTheSameContentKeepsIt() throws Exception {
        byte[] content = randomBytes(1100);
        long id = uploadAsset(license, content);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(ids(app.get("/api/asset/list"))).containsExactly(id));

        assertThat(app.postJson("/api/asset/delete", "{\"id\":" + id + "}").code())
                .isZero();

        assertThat(blobFile(md5(content))).exists();
    }

    @Test
    void withTheDiskBelowItsThresholdLegacyUploadsAreRefusedInTheEnvelopeAndNothingIsWritten() throws Exception {
        byte[] content = randomBytes(1200);
        List<Path> before = blobFiles();
        disk.simulate(100L * 1024 * 1024);

        ApiClient.Answer staged = Http.multipart(
                base() + "/api/heygem/upload_file",
                Http.licenseHeaders(license, "m1"),
                Part.file("file", "a.wav", content),
                Part.field("hash", md5(content)));
        ApiClient.Answer asset = Http.multipart(
                base() + "/api/asset/upload",
                Http.licenseHeaders(license, "m1"),
                Part.file("file", "v.wav", content),
                Part.field("asset_type", "voice"),
                Part.field("name", "full"));

        for (ApiClient.Answer refused : List.of(staged, asset)) {
            assertThat(refused.status()).isEqualTo(200);
            assertThat(refused.code()).as(refused.body().toString()).isEqualTo(1);
            assertThat(refused.msg()).isEqualTo(DISK_FULL);
        }
        assertThat(blobFiles()).isEqualTo(before);
        // Reads are unaffected.
        assertThat(app.get("/api/asset/list").data().isEmpty()).isTrue();
        assertThat(app.postJson("/api/heygem/check_files", "{\"files\":[{\"hash\":\"" + md5(content) + "\"}]}")
                        .code())
                .isZero();
    }

    @Test
    void withTheDiskBelowItsThresholdAV1UploadGets507AndWritesNothingThenSucceedsOnceSpaceIsBack() throws Exception {
        byte[] content = randomBytes(1300);
        List<Path> before = blobFiles();
        disk.simulate(0);

        ApiClient.Answer refused = Http.multipart(
                base() + "/api/v1/files", Http.licenseHeaders(license, "m1"), Part.file("file", "a.mp4", content));

        assertThat(refused.status()).isEqualTo(507);
        assertThat(refused.msg()).isEqualTo(DISK_FULL);
        assertThat(blobFiles()).isEqualTo(before);

        disk.reset();
        ApiClient.Answer stored = Http.multipart(
                base() + "/api/v1/files", Http.licenseHeaders(license, "m1"), Part.file("file", "a.mp4", content));
        assertThat(stored.status()).as(stored.body().toString()).isEqualTo(201);
        assertThat(stored.data().path("hash").asString()).isEqualTo(md5(content));
        assertThat(blobFile(md5(content))).exists();
    }

    private String stage(byte[] content) {
        ApiClient.Answer answer = Http.multipart(
                base() + "/api/heygem/upload_file",
                Http.licenseHeaders(license, "m1"),
                Part.file("file", "f.bin", content),
                Part.field("hash", md5(content)));
        assertThat(answer.code()).as(answer.body().toString()).isZero();
        return answer.data().path("hash").asString();
    }

    private boolean check(String hash) {
        return app.postJson("/api/heygem/check_files", "{\"files\":[{\"hash\":\"" + hash + "\"}]}")
                .data()
                .path(hash)
                .asBoolean();
    }

    private long uploadAsset(String licenseKey, byte[] content) {
        ApiClient.Answer answer = Http.multipart(
                base() + "/api/asset/upload",
                Http.licenseHeaders(licenseKey, "m1"),
                Part.file("file", "voice.wav", content),
                Part.field("asset_type", "voice"),
                Part.field("name", "voice"));
        assertThat(answer.code()).as(answer.body().toString()).isZero();
        return answer.data().path("id").asLong();
    }

    private void publishAsset(long id, String hash, Instant createdAt, Instant expiresAt) {
        TestKafka.publish(
                Topics.ASSETS,
                id,
                AssetRecord.newBuilder()
                        .setAssetId(id)
                        .setLicenseKey(license)
                        .setAssetType(AssetType.voice)
                        .setName("n" + id)
                        .setFileHash(hash)
                        .setFileExt(".wav")
                        .setFileSize(1)
                        .setCreatedAt(createdAt)
                        .setExpiresAt(expiresAt)
                        .build());
    }

    /** Whether the catalogue still holds the asset, expired or not (the list hides expired ones either way). */
    private boolean catalogued(long id) {
        return readModels.asset(id).isPresent();
    }

    private StoredResult storeResult(byte[] content) throws IOException {
        Path file = Files.createTempFile("result", ".mp4");
        try {
            Files.write(file, content);
            return results.put(file, "video/mp4");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void lastUsed(String hash, Instant at) throws IOException {
        Files.setLastModifiedTime(blobFile(hash), FileTime.from(at));
    }

    private Path blobFile(String hash) {
        return dataDir.resolve("blobs").resolve(hash.substring(0, 2)).resolve(hash);
    }

    private List<Path> blobFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir.resolve("blobs"))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private double removed(String kind) {
        return meters.counter(RetentionSweeper.REMOVED, RetentionSweeper.TAG_KIND, kind)
                .count();
    }

    private static List<Long> ids(ApiClient.Answer answer) {
        assertThat(answer.code()).as(answer.body().toString()).isZero();
        return answer.data().valueStream().map(n -> n.path("id").asLong()).toList();
    }

    /** Ids far above the sequence's, so published test assets never collide with uploaded ones. */
    private static long uniqueId() {
        return (1L << 41) + Math.floorMod(UUID.randomUUID().getMostSignificantBits(), 1L << 30) * 10;
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
