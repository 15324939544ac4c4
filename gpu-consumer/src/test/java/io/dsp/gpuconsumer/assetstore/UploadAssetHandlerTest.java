package io.dsp.gpuconsumer.assetstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.core.blob.BlobClient;
import io.dsp.gpuconsumer.WorkerSettings;
import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.gpuconsumer.support.FakeAssetApi;
import io.dsp.gpuconsumer.support.TestTasks;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/** {@code upload_asset} against a fake asset-api on a real local port. */
class UploadAssetHandlerTest {

    private static final String TOKEN = "fleet-token-for-tests";
    private static final byte[] VOICE = "RIFF....WAVEfmt ".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dataDir;

    private FakeAssetApi assetApi;
    private LocalAssetStore store;

    @BeforeEach
    void start() throws IOException {
        assetApi = new FakeAssetApi(TOKEN);
        store = new LocalAssetStore(dataDir);
    }

    @AfterEach
    void stop() {
        assetApi.close();
    }

    @Test
    void installsTheVerifiedBlobUnderTheTenantsAssetAndAnswersLikeTheLegacyGpu() throws Exception {
        String md5 = assetApi.put(VOICE);

        TaskOutcome outcome = handler(assetApi.url(), TOKEN).handle(TestTasks.uploadAsset("license", 77, md5, ".wav"));

        assertThat(outcome).isEqualTo(new TaskOutcome.Succeeded("{\"id\":77,\"name\":\"我的声音\",\"msg\":\"上传成功\"}"));
        assertThat(store.directory("license", 77).resolve(md5 + ".wav")).hasBinaryContent(VOICE);
        assertThat(assetApi.authorizations()).containsExactly("Bearer " + TOKEN);
    }

    @Test
    void installingTheSameAssetAgainLeavesTheSameFile() throws Exception {
        String md5 = assetApi.put(VOICE);
        UploadAssetHandler handler = handler(assetApi.url(), TOKEN);

        handler.handle(TestTasks.uploadAsset("license", 78, md5, ".wav"));
        TaskOutcome again = handler.handle(TestTasks.uploadAsset("license", 78, md5, ".wav"));

        assertThat(again).isInstanceOf(TaskOutcome.Succeeded.class);
        assertThat(files(store.directory("license", 78))).containsExactly(md5 + ".wav");
    }

    @Test
    void failsForGoodWhenAssetApiHasNoSuchBlob() throws Exception {
        String md5 = FakeAssetApi.md5("never stored".getBytes(StandardCharsets.UTF_8));

        TaskOutcome outcome = handler(assetApi.url(), TOKEN).handle(TestTasks.uploadAsset("license", 79, md5, ".wav"));

        assertThat(outcome).isEqualTo(new TaskOutcome.Failed("FILE_MISSING", "文件不存在: " + md5 + ".wav"));
        assertThat(store.directory("license", 79))
                .satisfiesAnyOf(
                        d -> assertThat(d).doesNotExist(),
                        d -> assertThat(files(d)).isEmpty());
    }

    @Test
    void retriesBytesThatDoNotMatchTheirMd5AndInstallsNothing() throws Exception {
        String md5 = FakeAssetApi.md5(VOICE);
        assetApi.plantCorrupt(md5, "not the voice".getBytes(StandardCharsets.UTF_8));

        TaskOutcome outcome = handler(assetApi.url(), TOKEN).handle(TestTasks.uploadAsset("license", 80, md5, ".wav"));

        assertThat(outcome).isInstanceOf(TaskOutcome.Retry.class);
        assertThat(((TaskOutcome.Retry) outcome).reason()).contains("arrived with md5");
        assertThat(files(store.directory("license", 80))).isEmpty();
    }

    @Test
    void retriesWhenAssetApiRefusesTheFleetToken() throws Exception {
        String md5 = assetApi.put(VOICE);

        TaskOutcome outcome =
                handler(assetApi.url(), "wrong").handle(TestTasks.uploadAsset("license", 81, md5, ".wav"));

        assertThat(outcome).isEqualTo(new TaskOutcome.Retry("asset-api answered 401 for blob " + md5));
    }

    @Test
    void throwsSoThatTheTaskIsRetriedWhenAssetApiIsDown() throws Exception {
        String md5 = assetApi.put(VOICE);
        URI gone = assetApi.url();
        assetApi.close();

        assertThatThrownBy(() -> handler(gone, TOKEN).handle(TestTasks.uploadAsset("license", 82, md5, ".wav")))
                .isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "../../etc/passwd, .wav",
        "D41D8CD98F00B204E9800998ECF8427E, .wav",
        "d41d8cd98f00b204e9800998ecf8427e, /x",
        "d41d8cd98f00b204e9800998ecf8427e, ''"
    })
    void refusesAHashOrExtensionThatIsNoneWithoutAskingAssetApi(String md5, String ext) throws Exception {
        TaskOutcome outcome = handler(assetApi.url(), TOKEN).handle(TestTasks.uploadAsset("license", 83, md5, ext));

        assertThat(outcome).isEqualTo(new TaskOutcome.Failed("BAD_PAYLOAD", "缺少必要参数"));
        assertThat(assetApi.authorizations()).isEmpty();
    }

    private UploadAssetHandler handler(URI assetApiUrl, String token) {
        WorkerSettings settings = new WorkerSettings(
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
        return new UploadAssetHandler(
                store,
                new BlobClient(settings.assetApiUrl(), token, RestClient.builder()),
                JsonMapper.builder().build());
    }

    private static java.util.List<String> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return java.util.List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).toList();
        }
    }
}
