package io.dsp.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dumper around {@code jcmd}, with a stand-in {@code jcmd} (a shell script called as {@code jcmd <pid> VM.cds
 * static_dump <file>}) and a stand-in child: what is kept, what is discarded, and that a cancel waits for nothing.
 * {@code ClassArchiveDumpIT} runs the real {@code jcmd} against a real JVM.
 */
class ClassArchiveDumperTest {

    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private ChildProcess child;
    private Path archive;

    @BeforeEach
    void startAChild() throws IOException {
        child = ChildProcess.start(
                "idle", List.of("sleep", "600"), dir, dir.resolve("logs/idle.log"), dir.resolve("run/idle.pid"));
        archive = dir.resolve("cds/app.jsa");
        Files.createDirectories(archive.getParent());
    }

    @AfterEach
    void stopTheChild() {
        child.stop(Duration.ofSeconds(5));
    }

    @Test
    void movesACompleteDumpIntoPlaceUnderTheArchiveName() throws Exception {
        ClassArchiveDumper dumper = new ClassArchiveDumper(jcmd("printf 'classes of %s' \"$1\" > \"$4\""));

        assertThat(dumper.dump(child, archive).get(30, TimeUnit.SECONDS)).isTrue();

        assertThat(archive).hasContent("classes of " + child.pid());
        assertThat(ClassDataSharing.partial(archive)).doesNotExist();
    }

    @Test
    void movesTheDumpingJvmsOutputFromTheChildsWorkingDirectoryIntoItsLog() throws Exception {
        // jdk.internal.misc.CDS leaves the -Xshare:dump JVM's output as java_pid<pid>_stdout/_stderr in the dumped
        // JVM's working directory: the repository root for a service.
        Path stdout = dir.resolve("java_pid4242_stdout");
        Path unrelated = Files.writeString(dir.resolve("java_pid77_stdout"), "some other dump");
        ClassArchiveDumper dumper = new ClassArchiveDumper(jcmd("printf 'Command:\\njava -Xshare:dump"
                + " -XX:SharedArchiveFile=%s.temp\\n' \"$4\" > '" + stdout + "'; printf 'classes' > \"$4\""));

        assertThat(dumper.dump(child, archive).get(30, TimeUnit.SECONDS)).isTrue();

        assertThat(stdout).doesNotExist();
        assertThat(unrelated).exists();
        assertThat(child.log())
                .content()
                .contains("java -Xshare:dump -XX:SharedArchiveFile=" + ClassDataSharing.partial(archive) + ".temp");
    }

    @Test
    void keepsNoArchiveWhenJcmdFails() throws Exception {
        ClassArchiveDumper dumper = new ClassArchiveDumper(jcmd("printf 'half' > \"$4\"; exit 1"));

        assertThat(dumper.dump(child, archive).get(30, TimeUnit.SECONDS)).isFalse();

        assertThat(archive).doesNotExist();
        assertThat(ClassDataSharing.partial(archive)).doesNotExist();
    }

    @Test
    void keepsNoArchiveWhenJcmdSucceedsWithoutWritingOne() throws Exception {
        // As the real jcmd does when the JVM refuses a dump (a dynamic dump without -XX:+RecordDynamicDumpInfo).
        ClassArchiveDumper dumper = new ClassArchiveDumper(
                jcmd("echo 'Dump dynamic should run with" + " -XX:+RecordDynamicDumpInfo'; : > \"$4\"; exit 0"));

        assertThat(dumper.dump(child, archive).get(30, TimeUnit.SECONDS)).isFalse();

        assertThat(archive).doesNotExist();
        assertThat(ClassDataSharing.partial(archive)).doesNotExist();
    }

    @Test
    void doesNotDumpAChildThatIsGone() throws Exception {
        Path called = dir.resolve("called");
        ClassArchiveDumper dumper = new ClassArchiveDumper(jcmd("touch '" + called + "'"));
        child.stop(Duration.ofSeconds(5));

        assertThat(dumper.dump(child, archive).get(30, TimeUnit.SECONDS)).isFalse();

        assertThat(called).doesNotExist();
        assertThat(archive).doesNotExist();
    }

    @Test
    void aCancelKillsTheDumpUnderWayDiscardsItsPartialFileAndDropsTheQueuedOnes() throws Exception {
        Path jcmdPid = dir.resolve("jcmd.pid");
        Path secondCalled = dir.resolve("second-called");
        // A dump that takes its time: half the file written, then nothing until it is killed.
        ClassArchiveDumper dumper = new ClassArchiveDumper(jcmd("case \"$4\" in *other*) touch '" + secondCalled
                + "'; exit 0;; esac; echo $$ > '" + jcmdPid + "'; printf 'half' > \"$4\"; exec sleep 600"));
        Path otherArchive = dir.resolve("cds/other.jsa");

        CompletableFuture<Boolean> first = dumper.dump(child, archive);
        CompletableFuture<Boolean> queued = dumper.dump(child, otherArchive);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Files.isRegularFile(ClassDataSharing.partial(archive)) && Files.size(jcmdPid) > 0);

        assertThat(dumper.cancel()).contains(new ClassArchiveDumper.Dump(child, archive));

        await().atMost(PROMPTLY).until(first::isDone);
        assertThat(first.get(30, TimeUnit.SECONDS)).isFalse();
        assertThat(queued.get(30, TimeUnit.SECONDS)).isFalse();
        long pid = Long.parseLong(Files.readString(jcmdPid).trim());
        await().atMost(PROMPTLY)
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(ClassDataSharing.partial(archive)).doesNotExist();
        assertThat(archive).doesNotExist();
        assertThat(secondCalled).doesNotExist();
        assertThat(otherArchive).doesNotExist();
        assertThat(child.isAlive()).as("the child itself goes on").isTrue();
    }

    @Test
    void aCancelBeforeAnyDumpLeavesNothingToDo() throws Exception {
        Path called = dir.resolve("called");
        ClassArchiveDumper dumper = new ClassArchiveDumper(jcmd("touch '" + called + "'"));

        assertThat(dumper.cancel()).isEmpty();

        assertThat(dumper.dump(child, archive).get(30, TimeUnit.SECONDS)).isFalse();
        assertThat(called).doesNotExist();
    }

    /** A stand-in jcmd running {@code body} with jcmd's arguments: $1 pid, $2 VM.cds, $3 dynamic_dump, $4 file. */
    private Path jcmd(String body) throws IOException {
        Path script = dir.resolve("bin/jcmd");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        return script;
    }
}
