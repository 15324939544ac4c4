package io.dsp.launcher.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The running components of a stack, found through the pid files of its data dir and confirmed by the markers on
 * their command lines (a pid alone may have been reused). Serves {@code ./dsp status}, and lets {@code ./dsp up} stop
 * children that a launcher killed with SIGKILL left running: they live in sessions of their own, so nothing else
 * stops them.
 */
public final class PidFiles {

    private PidFiles() {}

    /** A running process that a pid file names and whose markers say it is that component of this stack. */
    public record Running(String component, ProcessHandle process) {}

    public static List<Running> running(Path runDir, Path stack) {
        if (!Files.isDirectory(runDir)) {
            return List.of();
        }
        List<Running> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path pidFile : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                String component = pidFile.getFileName().toString().replaceFirst("\\.pid$", "");
                readPid(pidFile)
                        .flatMap(ProcessHandle::of)
                        .filter(ProcessHandle::isAlive)
                        .filter(p -> JavaCommand.belongsTo(arguments(p), component, stack))
                        .ifPresent(p -> found.add(new Running(component, p)));
            }
        } catch (IOException e) {
            return found;
        }
        return found;
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    public static void stop(Running running, Duration grace) {
        ProcessHandle process = running.process();
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static List<String> arguments(ProcessHandle process) {
        return process.info().arguments().map(Arrays::asList).orElse(List.of());
    }
}
