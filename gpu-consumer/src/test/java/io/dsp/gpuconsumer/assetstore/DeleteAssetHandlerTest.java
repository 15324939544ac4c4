package io.dsp.gpuconsumer.assetstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.gpuconsumer.support.TestTasks;
import io.dsp.schemas.avro.TaskRequested;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class DeleteAssetHandlerTest {

    @TempDir
    Path dataDir;

    private LocalAssetStore store;
    private DeleteAssetHandler handler;

    @BeforeEach
    void createHandler() {
        store = new LocalAssetStore(dataDir);
        handler = new DeleteAssetHandler(store, JsonMapper.builder().build());
    }

    @Test
    void handlesDeleteAsset() {
        assertThat(handler.taskType()).isEqualTo("delete_asset");
    }

    @Test
    void deletesTheAssetsFilesAndAnswersLikeTheLegacyGpu() throws Exception {
        // given
        Path file = store.directory("license", 42).resolve("voice.wav");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "RIFF");

        // when
        TaskOutcome outcome = handler.handle(TestTasks.deleteAsset("license", 42));

        // then
        assertThat(outcome).isEqualTo(new TaskOutcome.Succeeded("{\"id\":42,\"msg\":\"删除成功\"}"));
        assertThat(store.directory("license", 42)).doesNotExist();
    }

    @Test
    void succeedsAlsoWhenTheAssetHasNoFilesHere() throws Exception {
        TaskOutcome outcome = handler.handle(TestTasks.deleteAsset("license", 43));

        assertThat(outcome).isEqualTo(new TaskOutcome.Succeeded("{\"id\":43,\"msg\":\"删除成功\"}"));
    }

    @Test
    void succeedsForAHostileLicenseKeyWithoutTouchingFilesOutsideItsTenant() throws Exception {
        Path outside = dataDir.resolve("x").resolve("7").resolve("secret.txt");
        Files.createDirectories(outside.getParent());
        Files.writeString(outside, "secret");

        TaskOutcome outcome = handler.handle(TestTasks.deleteAsset("../x", 7));

        assertThat(outcome).isEqualTo(new TaskOutcome.Succeeded("{\"id\":7,\"msg\":\"删除成功\"}"));
        assertThat(outside).exists();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1})
    void failsForAnAssetIdThatIsNoId(long assetId) throws Exception {
        TaskOutcome outcome = handler.handle(TestTasks.deleteAsset("license", assetId));

        assertThat(outcome).isEqualTo(new TaskOutcome.Failed("BAD_PAYLOAD", "缺少 id 或 license_key"));
    }

    @Test
    void failsForAPayloadOfAnotherTaskType() throws Exception {
        TaskRequested task = TestTasks.generic("license", "delete_asset");

        assertThat(handler.handle(task)).isEqualTo(new TaskOutcome.Failed("BAD_PAYLOAD", "缺少 id 或 license_key"));
    }
}
