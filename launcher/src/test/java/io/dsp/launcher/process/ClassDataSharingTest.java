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
    void startsAJvmWithoutAnArchiveWithNoOptionThatDumpsAtExitAndMapsTheArchiveOnceThereIsOne() throws IOException {
        Path archive = dir.resolve("broker-1.jsa");

        List<String> first = ClassDataSharing.options(archive);
        Files.writeString(archive, "dumped");
        List<String> second = ClassDataSharing.options(archive);

        // -XX:ArchiveClassesAtExit made the first stop after a rebuild take ~22 s; the archive is dumped while the JVM
        // runs instead (ADR 025), and nothing at all is left for its exit.
        assertThat(first).isEmpty();
        assertThat(second)
                .containsExactly("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=error")
                .noneMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit"))
                .noneMatch(o -> o.startsWith("-XX:+RecordDynamicDumpInfo"));
    }

    @Test
    void dumpsAnArchiveOnlyWhereThereIsNoneYetAndAJcmdToDumpIt() throws IOException {
        Path archive = dir.resolve("app.jsa");

        assertThat(ClassDataSharing.toDump(archive, true)).contains(archive);
        assertThat(ClassDataSharing.toDump(archive, false)).as("a JRE").isEmpty();
        Files.writeString(archive, "dumped");
        assertThat(ClassDataSharing.toDump(archive, true)).isEmpty();
    }

    @Test
    void findsJcmdBesideJavaOnlyInAJdk() throws IOException {
        Path jre = Files.createDirectories(dir.resolve("jre/bin"));
        Files.writeString(jre.resolve("java"), "");
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Path jcmd = Files.writeString(jdk.resolve("jcmd"), "#!/bin/sh\n");
        jcmd.toFile().setExecutable(true);

        assertThat(ClassDataSharing.jcmdIn(jre.getParent())).isEmpty();
        assertThat(ClassDataSharing.jcmdIn(jdk.getParent())).contains(jcmd);
    }

    @Test
    void discardsWhatAnUnfinishedDumpLeftButNeverTheArchiveNorAnotherOnesDump() throws IOException {
        Path archive = Files.writeString(dir.resolve("app.jsa"), "complete");
        Path partial = Files.writeString(ClassDataSharing.partial(archive), "truncated");
        Path temp = Files.writeString(dir.resolve("app.jsa.part.temp"), "half written");
        Path classList = Files.writeString(dir.resolve("app.jsa.part.classlist"), "java/lang/Object");
        Path other = Files.writeString(dir.resolve("other.jsa.part"), "another archive's dump");

        ClassDataSharing.discardUnfinishedDump(archive);

        assertThat(partial).doesNotExist();
        assertThat(temp).doesNotExist();
        assertThat(classList).doesNotExist();
        assertThat(archive).hasContent("complete");
        assertThat(other).exists();
        assertThat(partial.getParent()).isEqualTo(archive.getParent());
    }

    @Test
    void recognisesTheJvmWritingAnArchiveByItsArguments() {
        Path archive = dir.resolve("app.jsa");
        Path partial = ClassDataSharing.partial(archive).toAbsolutePath();

        // As a JDK 17 JVM starts it for jcmd VM.cds static_dump (jdk.internal.misc.CDS).
        assertThat(ClassDataSharing.isDumping(
                        List.of(
                                "/usr/lib/jvm/java-17/bin/java",
                                "-cp",
                                "app.jar",
                                "-Xshare:dump",
                                "-XX:SharedClassListFile=" + partial + ".classlist",
                                "-XX:SharedArchiveFile=" + partial + ".temp",
                                "-Xmx256m"),
                        archive))
                .isTrue();
        assertThat(ClassDataSharing.isDumping(
                        List.of("java", "-XX:SharedArchiveFile=" + archive.toAbsolutePath(), "-jar", "app.jar"),
                        archive))
                .as("a JVM mapping the archive")
                .isFalse();
        assertThat(ClassDataSharing.isDumping(
                        List.of(
                                "java",
                                "-Xshare:dump",
                                "-XX:SharedArchiveFile="
                                        + ClassDataSharing.partial(dir.resolve("other.jsa"))
                                                .toAbsolutePath()),
                        archive))
                .as("another archive's dump")
                .isFalse();
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
