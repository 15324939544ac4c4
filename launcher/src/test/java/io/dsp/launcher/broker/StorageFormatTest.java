package io.dsp.launcher.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageFormatTest {

    @Test
    void formatsWithAnExplicitShareGroupFeature() {
        assertThat(StorageFormat.arguments("abc", Path.of("/run/server.properties")))
                .containsSequence("kafka.tools.StorageTool", "format")
                .containsSequence("--cluster-id", "abc")
                .containsSequence("--config", "/run/server.properties")
                .containsSequence("--feature", "share.version=1");
    }

    @Test
    void countsALogDirWithMetaPropertiesAsFormatted(@TempDir Path dir) throws IOException {
        BrokerSettings settings = new BrokerSettings(1, 2, dir);
        assertThat(StorageFormat.isFormatted(settings)).isFalse();

        Files.writeString(dir.resolve("meta.properties"), "node.id=1\n");

        assertThat(StorageFormat.isFormatted(settings)).isTrue();
    }
}
