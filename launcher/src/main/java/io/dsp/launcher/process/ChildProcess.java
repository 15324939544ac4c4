package io.dsp.launcher.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One component of the stack running as a child process, its output appended to a log of its own.
 *
 * <p>Children are started in a session of their own ({@code setsid}) so that Ctrl-C in the terminal reaches only the
 * launcher: the launcher then stops the services before the broker. Were they in the terminal's process group, every
 * child would get the SIGINT at once and the broker could go down under services still flushing to it.
 */
public final class ChildProcess {

    /** Starts the line written to the log before each start. */
    static final String SEPARATOR = "=====";

    private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

    private final String name;
    private final Process process;
    private final Path log;
    private final Path pidFile;
    private final Path workDir;
    private volatile boolean stopRequested;

    private ChildProcess(String name, Process process, Path log, Path pidFile, Path workDir) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.pidFile = pidFile;
        this.workDir = workDir;
    }

    /**
     * Starts the command, appending a separator line and then the child's stdout and stderr to {@code log}, and
     * records its pid in {@code pidFile}.
     */
    public static ChildProcess start(String name, List<String> command, Path workDir, Path log, Path pidFile)
            throws IOException {
        Files.createDirectories(log.getParent());
        Files.createDirectories(pidFile.getParent());
        Files.writeString(
                log,
                "%n%s %s: starting %s =====%n%s%n".formatted(SEPARATOR, Instant.now(), name, String.join(" ", command)),
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(inOwnSession(command))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        Files.writeString(pidFile, Long.toString(process.pid()));
        return new ChildProcess(name, process, log, pidFile, workDir.toAbsolutePath());
    }

    // setsid execs the command in place when its caller is not a group leader (a fresh child never is), so the pid
    // we hold is the JVM's own and destroy() signals it directly.
    private static List<String> inOwnSession(List<String> command) {
        return SETSID.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .map(setsid -> {
                    List<String> wrapped = new ArrayList<>();
                    wrapped.add(setsid.toString());
                    wrapped.addAll(command);
                    return wrapped;
                })
                .orElse(command);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** The directory it runs in. */
    public Path workDir() {
        return workDir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** Exit code, or empty while it runs. */
    public OptionalLong exitCode() {
        return process.isAlive() ? OptionalLong.empty() : OptionalLong.of(process.exitValue());
    }

    /** Waits up to {@code timeout} for the child to exit; returns whether it did. Doubles as a poll interval. */
    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Calls {@code listener} if the child exits without {@link #requestStop()} having been called. */
    public void onUnexpectedExit(Consumer<ChildProcess> listener) {
        process.onExit().thenRun(() -> {
            if (!stopRequested) {
                listener.accept(this);
            }
        });
    }

    /** Sends SIGTERM, letting the child run its shutdown hooks; see {@link #awaitStopped}. */
    public void requestStop() {
        stopRequested = true;
        process.destroy();
    }

    /**
     * Waits up to {@code grace} for a requested stop, then kills the child; returns whether it stopped by itself.
     */
    public boolean awaitStopped(Duration grace) {
        boolean clean = awaitExit(grace);
        if (!clean) {
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(5));
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // A stale pid file is harmless: the next launcher checks the process's markers before acting on it.
        }
        return clean;
    }

    /** {@link #requestStop()} then {@link #awaitStopped}. */
    public boolean stop(Duration grace) {
        requestStop();
        return awaitStopped(grace);
    }

    /** Resident memory from {@code /proc}, empty once the child is gone. */
    public OptionalLong rssBytes() {
        return ProcessMemory.rssBytes(process.pid());
    }
}
