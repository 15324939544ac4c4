package io.dsp.gpuconsumer.assetstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.tenant.TenantTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalAssetStoreTest {

    @TempDir
    Path dataDir;

    @Test
    void keepsAnAssetUnderItsTenantAndId() {
        LocalAssetStore store = new LocalAssetStore(dataDir);

        assertThat(store.directory("DSP-ABCD-1234", 42))
                .isEqualTo(dataDir.resolve("assets").resolve("DSP-ABCD-1234").resolve("42"));
    }

    @Test
    void deletesEveryFileOfTheAssetAndSaysThereWereSome() throws IOException {
        // given
        LocalAssetStore store = new LocalAssetStore(dataDir);
        Path asset = store.directory("license", 7);
        write(asset.resolve("voice.wav"));
        write(asset.resolve("preview").resolve("cover.png"));

        // when
        boolean hadFiles = store.delete("license", 7);

        // then
        assertThat(hadFiles).isTrue();
        assertThat(asset).doesNotExist();
    }

    @Test
    void leavesOtherAssetsOfTheSameTenantAlone() throws IOException {
        LocalAssetStore store = new LocalAssetStore(dataDir);
        write(store.directory("license", 7).resolve("a.wav"));
        Path other = write(store.directory("license", 8).resolve("b.wav"));
        Path otherTenant = write(store.directory("other", 7).resolve("c.wav"));

        store.delete("license", 7);

        assertThat(other).exists();
        assertThat(otherTenant).exists();
    }

    @Test
    void saysThereWereNoFilesWhenTheAssetIsAbsent() throws IOException {
        LocalAssetStore store = new LocalAssetStore(dataDir);

        assertThat(store.delete("license", 404)).isFalse();
        assertThat(dataDir.resolve("assets")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "..", ".", "../../etc", "/etc/passwd", "a/../../b", "..\\x", "x/7", "授权码"})
    void hostileLicenseKeysStayInsideTheStore(String licenseKey) {
        LocalAssetStore store = new LocalAssetStore(dataDir);
        Path root = dataDir.resolve("assets").toAbsolutePath().normalize();

        Path dir = store.directory(licenseKey, 7).toAbsolutePath().normalize();

        assertThat(dir).startsWithRaw(root);
        assertThat(dir.getParent().getParent()).isEqualTo(root);
        assertThat(dir.getParent().getFileName()).hasToString(TenantTopics.tenantOf(licenseKey));
    }

    @Test
    void hostileLicenseKeyCannotDeleteAnotherTenantsOrOutsideFiles() throws IOException {
        // given files where a path-traversing key would point if it were used as a path
        LocalAssetStore store = new LocalAssetStore(dataDir);
        Path outside = write(dataDir.resolve("x").resolve("7").resolve("secret.txt"));
        Path tenantX = write(store.directory("x", 7).resolve("x.wav"));

        // when
        boolean hadFiles = store.delete("../x", 7);

        // then
        assertThat(hadFiles).isFalse();
        assertThat(outside).exists();
        assertThat(tenantX).exists();
    }

    @Test
    void deletesALinkInsideTheAssetButNotWhatItPointsTo() throws IOException {
        // given an asset holding a symbolic link to a directory outside the store
        LocalAssetStore store = new LocalAssetStore(dataDir);
        Path outside = write(dataDir.resolve("elsewhere").resolve("keep.txt"));
        Path asset = store.directory("license", 9);
        Files.createDirectories(asset);
        Files.createSymbolicLink(asset.resolve("link"), outside.getParent());

        // when
        store.delete("license", 9);

        // then
        assertThat(asset).doesNotExist();
        assertThat(outside).exists();
    }

    private static Path write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "data");
    }
}
