package io.dsp.launcher.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Dumps the class-data sharing archives of running children in the background, one at a time, with {@code jcmd <pid>
 * VM.cds static_dump} (the children started with {@link ClassDataSharing#options} and no archive yet; see {@link
 * ClassDataSharing} for why a static dump). Each dump goes to a {@link ClassDataSharing#partial} file that is moved to
 * the archive's name only when {@code jcmd} succeeded and the file is not empty, so that a later JVM never maps a
 * truncated archive.
 *
 * <p>{@link #cancel()} is what a stop calls first: it kills the {@code jcmd} and the JVM writing the archive,
 * discards the partial file, drops the dumps still queued, and returns at once. A stop never waits for an archive;
 * the next start, finding none, dumps again.
 */
public final class ClassArchiveDumper {

    /** A dump of a Spring Boot service takes a few seconds; a jcmd still running after this is stuck. */
    static final Duration DUMP_TIMEOUT = Duration.ofMinutes(2);

    // The JVM being dumped collects the dumping JVM's output in files of its working directory.
    private static final Pattern DUMP_OUTPUT = Pattern.compile("java_pid\\d+_std(out|err)");

    private final Path jcmd;
    private final Duration timeout;
    private final ExecutorService thread;

    // Guarded by this.
    private Process running;
    private Dump runningDump;
    private boolean cancelled;

    /**
     * A dump under way.
     *
     * @param child the JVM whose classes are archived
     * @param archive where they go when complete
     */
    public record Dump(ChildProcess child, Path archive) {}

    public ClassArchiveDumper(Path jcmd) {
        this(jcmd, DUMP_TIMEOUT);
    }

    ClassArchiveDumper(Path jcmd, Duration timeout) {
        this.jcmd = jcmd;
        this.timeout = timeout;
        // One daemon thread: each dump starts a JVM that takes a core for seconds, so they run one after the other,
        // and none keeps the launcher alive.
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dsp-cds-dump");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Queues a dump of {@code child}'s loaded classes into {@code archive}; the future tells whether the archive is
     * in place (false when the dump failed, the child is gone, or {@link #cancel()} came first).
     */
    public CompletableFuture<Boolean> dump(ChildProcess child, Path archive) {
        try {
            return CompletableFuture.supplyAsync(() -> dumpNow(child, archive), thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(false);
        }
    }

    /**
     * Kills the {@code jcmd} under way, if any, and the JVM writing its archive, discards the partial archive and
     * drops the queued dumps; waits for nothing. Returns the dump that was under way, for {@link #discard} once its
     * child is gone: the child may have started the dumping JVM just after this looked for it.
     */
    public Optional<Dump> cancel() {
        Process process;
        Dump dump;
        synchronized (this) {
            cancelled = true;
            process = running;
            dump = runningDump;
        }
        // Queued dumps still run, to find the cancel and return false at once.
        thread.shutdown();
        if (process != null) {
            process.destroyForcibly();
        }
        if (dump != null) {
            discard(dump);
        }
        return Optional.ofNullable(dump);
    }

    /**
     * Kills the JVM writing {@code dump}'s archive, if any, and removes its partial archive and temporary files, its
     * output going to the child's log.
     */
    public void discard(Dump dump) {
        ClassDataSharing.killDumpingJvms(dump.archive());
        ClassDataSharing.discardUnfinishedDump(dump.archive());
        collectDumpOutput(dump);
    }

    private boolean dumpNow(ChildProcess child, Path archive) {
        Path partial = ClassDataSharing.partial(archive).toAbsolutePath();
        Dump dump = new Dump(child, archive);
        ClassDataSharing.discardUnfinishedDump(archive);
        if (!child.isAlive()) {
            return false;
        }
        List<String> command =
                List.of(jcmd.toString(), Long.toString(child.pid()), "VM.cds", "static_dump", partial.toString());
        Process process;
        synchronized (this) {
            if (cancelled) {
                return false;
            }
            try {
                // jcmd's few lines go to the child's log, beside the child's own "Static dump to file ...".
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(child.log().toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
            } catch (IOException e) {
                return false;
            }
            running = process;
            runningDump = dump;
        }
        boolean finished = false;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            // Only a non-empty file says that an archive was written, whatever jcmd's exit code.
            if (finished && process.exitValue() == 0 && Files.isRegularFile(partial) && Files.size(partial) > 0) {
                moveIntoPlace(partial, archive);
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (IOException e) {
            return false;
        } finally {
            process.destroyForcibly();
            synchronized (this) {
                running = null;
                runningDump = null;
            }
            if (!finished) {
                ClassDataSharing.killDumpingJvms(archive);
            }
            ClassDataSharing.discardUnfinishedDump(archive);
            collectDumpOutput(dump);
        }
    }

    // A rename in one directory: a JVM starting meanwhile sees no archive or the whole of it.
    private static void moveIntoPlace(Path partial, Path archive) throws IOException {
        Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Moves the dumping JVM's output ({@code java_pid<pid>_stdout} and {@code _stderr}, left by the dumped JVM in its
     * working directory, the repository root for a service) into the child's log.
     */
    private static void collectDumpOutput(Dump dump) {
        String partial =
                ClassDataSharing.partial(dump.archive()).toAbsolutePath().toString();
        try (Stream<Path> entries = Files.list(dump.child().workDir())) {
            for (Path entry : entries.filter(
                            e -> DUMP_OUTPUT.matcher(e.getFileName().toString()).matches())
                    .toList()) {
                String output = Files.readString(entry, StandardCharsets.UTF_8);
                if (output.contains(partial)) {
                    Files.writeString(
                            dump.child().log(),
                            output.endsWith("\n") ? output : output + System.lineSeparator(),
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                    Files.deleteIfExists(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Left where it is: a few hundred bytes.
        }
    }
}
