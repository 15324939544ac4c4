package io.dsp.assetapi;

import static io.dsp.assetapi.AssetCatalogueIT.md5;
import static io.dsp.assetapi.AssetCatalogueIT.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.assetapi.Http.Part;
import io.dsp.testkit.ApiClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@AssetApiIntegrationTest
class BlobStagingIT {

    @LocalServerPort
    int port;

    String license;
    ApiClient app;

    @BeforeEach
    void provisionALicense() {
        license = "staging-" + UUID.randomUUID();
        app = LicensedApp.provision(base(), license);
    }

    @Test
    void aClientStagesOnlyTheMissingFilesAndAWorkerFetchesThemByHash() {
        byte[] audio = randomBytes(3000);
        String hash = md5(audio);
        String absent = md5(randomBytes(10));

        ApiClient.Answer before = app.postJson(
                "/api/heygem/check_files",
                "{\"files\":[{\"hash\":\"" + hash + "\",\"ext\":\".wav\"},{\"hash\":\"" + absent + "\"}]}");
        assertThat(before.code()).isZero();
        assertThat(before.data().path(hash).asBoolean()).isFalse();
        assertThat(before.data().path(absent).asBoolean()).isFalse();

        // The mobile app sends a temporary hash and reads the real one back.
        ApiClient.Answer uploaded = Http.multipart(
                base() + "/api/heygem/upload_file",
                Http.licenseHeaders(license, "m1"),
                Part.file("file", "a.wav", audio),
                Part.field("hash", "tmp_123_abc"),
                Part.field("ext", ".wav"));
        assertThat(uploaded.code()).as(uploaded.body().toString()).isZero();
        assertThat(uploaded.data().path("hash").asString()).isEqualTo(hash);
        assertThat(uploaded.data().path("server_path").asString()).isEqualTo("/api/v1/blobs/" + hash);

        ApiClient.Answer after = app.postJson("/api/heygem/check_files", "{\"files\":[{\"hash\":\"" + hash + "\"}]}");
        assertThat(after.data().path(hash).asBoolean()).isTrue();

        HttpResponse<byte[]> fetched =
                Http.bytes(blob(hash).header("Authorization", "Bearer " + AssetApiIntegrationTest.FLEET_TOKEN));
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(audio);
        HttpResponse<byte[]> range = Http.bytes(blob(hash)
                .header("Authorization", "Bearer " + AssetApiIntegrationTest.FLEET_TOKEN)
                .header("Range", "bytes=10-19"));
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(audio, 10, 20));
    }

    @Test
    void blobsAreRefusedWithoutTheFleetTokenEvenToALicense() {
        byte[] content = randomBytes(100);
        String hash = Http.multipart(
                        base() + "/api/heygem/upload_file",
                        Http.licenseHeaders(license, "m1"),
                        Part.file("file", "v.mp4", content),
                        Part.field("hash", md5(content)))
                .data()
                .path("hash")
                .asString();

        assertThat(Http.send(blob(hash)).status()).isEqualTo(401);
        assertThat(Http.send(blob(hash).header("Authorization", "Bearer wrong")).status())
                .isEqualTo(401);
        ApiClient.Answer asLicense = Http.send(blob(hash).header("Authorization", "Bearer " + license));
        assertThat(asLicense.status()).isEqualTo(401);
        assertThat(asLicense.msg()).isEqualTo("鉴权失败");
        String token = "Bearer " + AssetApiIntegrationTest.FLEET_TOKEN;
        assertThat(Http.send(blob(md5(randomBytes(5))).header("Authorization", token))
                        .status())
                .isEqualTo(404);
        assertThat(Http.send(blob("not-a-hash").header("Authorization", token)).status())
                .isEqualTo(400);
    }

    @Test
    void badStagingRequestsGetTheLegacyMessagesAndStoreNothing() {
        assertRefused(app.postJson("/api/heygem/check_files", "{}"), "缺少 files 字段");
        assertRefused(app.postJson("/api/heygem/check_files", "{\"files\":[{\"ext\":\".wav\"}]}"), "缺少 hash 字段");
        byte[] content = randomBytes(50);
        assertRefused(
                Http.multipart(
                        base() + "/api/heygem/upload_file",
                        Http.licenseHeaders(license, "m1"),
                        Part.field("hash", md5(content))),
                "缺少 file 字段");
        assertRefused(
                Http.multipart(
                        base() + "/api/heygem/upload_file",
                        Http.licenseHeaders(license, "m1"),
                        Part.file("file", "x.wav", content)),
                "缺少 hash 字段");
        byte[] tooBig = randomBytes(AssetApiIntegrationTest.MAX_FILE_KB * 1024 + 1);
        assertRefused(
                Http.multipart(
                        base() + "/api/heygem/upload_file",
                        Http.licenseHeaders(license, "m1"),
                        Part.file("file", "x.wav", tooBig),
                        Part.field("hash", md5(tooBig))),
                "文件过大，最大 64 KB");

        ApiClient.Answer check = app.postJson(
                "/api/heygem/check_files",
                "{\"files\":[{\"hash\":\"" + md5(content) + "\"},{\"hash\":\"" + md5(tooBig) + "\"}]}");
        assertThat(check.data().path(md5(content)).asBoolean()).isFalse();
        assertThat(check.data().path(md5(tooBig)).asBoolean()).isFalse();
        assertRefused(
                Http.multipart(base() + "/api/heygem/upload_file", java.util.Map.of(), Part.field("hash", "x")),
                "缺少 Authorization Bearer");
    }

    private static void assertRefused(ApiClient.Answer answer, String message) {
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.code()).as(answer.body().toString()).isEqualTo(1);
        assertThat(answer.msg()).isEqualTo(message);
    }

    private HttpRequest.Builder blob(String hash) {
        return HttpRequest.newBuilder(URI.create(base() + "/api/v1/blobs/" + hash))
                .GET();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
