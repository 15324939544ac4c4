package io.dsp.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class-data sharing as {@code ./dsp up} runs it, on a small real child JVM started through {@link ChildProcess} and
 * the real {@code jcmd}: a JVM without an archive writes none when it stops, the archive is dumped while the JVM runs
 * and the next JVM maps it, and a stop in the middle of a dump waits for nothing (ADR 025).
 */
class ClassArchiveDumpIT {

    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration GRACE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path jar;
    private Path archive;
    private Path jcmd;
    private final List<ChildProcess> started = new ArrayList<>();

    @BeforeEach
    void packTheChildIntoAJar() throws IOException {
        // Class-data sharing archives classes from jars only, not from directories such as target/test-classes.
        jar = dir.resolve("idle-child.jar");
        String entry = IdleChild.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file);
                InputStream in = IdleChild.class.getResourceAsStream("/" + entry)) {
            assertThat(in).as(entry).isNotNull();
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        archive = dir.resolve("cds/app.jsa");
        Files.createDirectories(archive.getParent());
        // The JDK running the tests is the one the launcher needs for archives: its jcmd must be there.
        assertThat(ClassDataSharing.jcmd()).as("jcmd beside java").isPresent();
        jcmd = ClassDataSharing.jcmd().orElseThrow();
    }

    @AfterEach
    void stopEverything() {
        started.forEach(child -> child.stop(Duration.ofSeconds(10)));
    }

    @Test
    void aJvmStartedWithoutAnArchiveWritesNoneWhenItStops() {
        List<String> options = ClassDataSharing.options(archive);
        ChildProcess child = start("first", options);
        awaitReady(child);

        assertThat(child.stop(GRACE)).as("stopped by itself").isTrue();

        // -XX:ArchiveClassesAtExit wrote the archive here, inside the stop: ~22 s for the whole stack (ADR 025).
        assertThat(archive).doesNotExist();
        assertThat(ClassDataSharing.partial(archive)).doesNotExist();
        assertThat(options).noneMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit"));
    }

    @Test
    void dumpsTheArchiveOfARunningJvmWhichTheNextJvmMaps() throws Exception {
        assertThat(ClassDataSharing.toDump(archive)).contains(archive);
        ChildProcess first = start("first", ClassDataSharing.options(archive));
        awaitReady(first);

        boolean dumped = new ClassArchiveDumper(jcmd)
                .dump(first, archive)
                .get(ClassArchiveDumper.DUMP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertThat(dumped).isTrue();
        assertThat(archive).isNotEmptyFile();
        assertThat(ClassDataSharing.partial(archive)).doesNotExist();
        assertThat(first.isAlive()).as("the dump leaves the JVM running").isTrue();
        assertThat(first.stop(GRACE)).isTrue();

        List<String> next = new ArrayList<>(ClassDataSharing.options(archive));
        assertThat(next).contains("-XX:SharedArchiveFile=" + archive);
        next.add("-Xlog:class+load=info");
        ChildProcess second = start("second", next);
        awaitReady(second);
        assertThat(Files.readString(second.log())).contains(IdleChild.class.getName() + " source: shared objects file");
    }

    @Test
    void aStopInTheMiddleOfADumpKillsItAndWaitsForNoArchive() throws Exception {
        // The dumping JVM gets the dumped JVM's options: with these it stops right at its start and waits until the
        // pause file is gone, a dump in progress for as long as the test needs one.
        Path pause = dir.resolve("vm.paused");
        List<String> pausing =
                List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+PauseAtStartup", "-XX:PauseAtStartupFile=" + pause);
        ChildProcess child = start("dumped", pausing);
        await().atMost(READY).until(() -> Files.exists(pause));
        Files.delete(pause);
        awaitReady(child);
        ClassArchiveDumper dumper = new ClassArchiveDumper(jcmd);

        CompletableFuture<Boolean> dump = dumper.dump(child, archive);
        await().atMost(READY).until(() -> Files.exists(pause) && !dumpingJvms().isEmpty());
        List<ProcessHandle> dumping = dumpingJvms();
        Instant stop = Instant.now();
        assertThat(dumper.cancel()).contains(new ClassArchiveDumper.Dump(child, archive));
        assertThat(child.stop(GRACE)).as("stopped by itself").isTrue();

        assertThat(Duration.between(stop, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(dump.get(30, TimeUnit.SECONDS)).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> dumping.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(archive).doesNotExist();
        assertThat(ClassDataSharing.partial(archive)).doesNotExist();
    }

    private List<ProcessHandle> dumpingJvms() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .arguments()
                        .map(args -> ClassDataSharing.isDumping(List.of(args), archive))
                        .orElse(false))
                .toList();
    }

    private ChildProcess start(String name, List<String> jvmOptions) {
        List<String> command = new JavaCommand(
                        "idle-" + name, jvmOptions, List.of("-cp", jar.toString(), IdleChild.class.getName()))
                .toList(dir);
        try {
            ChildProcess child = ChildProcess.start(
                    name, command, dir, dir.resolve("logs/" + name + ".log"), dir.resolve("run/" + name + ".pid"));
            started.add(child);
            return child;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + name, e);
        }
    }

    private static void awaitReady(ChildProcess child) {
        await().atMost(READY).until(() -> {
            assertThat(child.isAlive())
                    .as("%s is running (log %s)", child.name(), child.log())
                    .isTrue();
            return Files.readString(child.log()).contains(IdleChild.READY);
        });
    }
}
