package io.dsp.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataSharingTest {

    @TempDir
    Path dir;

    @Test
    void dumpsAnArchiveWhenThereIsNoneAndUsesItOnceThereIs() throws IOException {
        Path archive = dir.resolve("broker-1.jsa");

        List<String> first = ClassDataSharing.options(archive);
        Files.writeString(archive, "dumped");
        List<String> second = ClassDataSharing.options(archive);

        assertThat(first).contains("-XX:ArchiveClassesAtExit=" + archive);
        assertThat(ClassDataSharing.dumpTarget(first)).contains(archive);
        assertThat(second).contains("-XX:SharedArchiveFile=" + archive);
        assertThat(ClassDataSharing.dumpTarget(second)).isEmpty();
    }

    @Test
    void discardsTheArchiveOfAJvmThatWasKilledWhileDumping() throws IOException {
        Path archive = dir.resolve("app.jsa");
        List<String> dumping = ClassDataSharing.options(archive);
        Files.writeString(archive, "truncated");

        ClassDataSharing.discardUnfinishedDump(dumping);

        assertThat(archive).doesNotExist();
    }

    @Test
    void fingerprintsTheJarsSoThatARebuildDumpsANewArchive() throws IOException {
        Path jar = file("a.jar");
        String before = ClassDataSharing.fingerprint(List.of(jar));

        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));

        assertThat(ClassDataSharing.fingerprint(List.of(jar)))
                .isNotEqualTo(before)
                .hasSize(16);
        assertThat(ClassDataSharing.fingerprint(List.of(jar, file("b.jar"))))
                .isNotEqualTo(ClassDataSharing.fingerprint(List.of(jar)));
    }

    @Test
    void removesOutdatedArchivesAndExtractionsButKeepsTheCurrentOne() throws IOException {
        Path current = file("broker-new.jsa");
        Path outdated = file("broker-old.jsa");
        Path outdatedDir = Files.createDirectories(dir.resolve("broker-older/lib"));
        Path other = file("gateway-1.jsa");

        ClassDataSharing.removeOutdated(dir, "broker-", current);

        assertThat(current).exists();
        assertThat(other).exists();
        assertThat(outdated).doesNotExist();
        assertThat(outdatedDir.getParent()).doesNotExist();
    }

    private Path file(String name) throws IOException {
        return Files.writeString(dir.resolve(name), name);
    }
}
