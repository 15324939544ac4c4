package io.dsp.launcher.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** Resident set sizes from {@code /proc/<pid>/status}: what each JVM really costs, heap or not. */
public final class ProcessMemory {

    private ProcessMemory() {}

    public static OptionalLong rssBytes(long pid) {
        try {
            return parseVmRss(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    static OptionalLong parseVmRss(List<String> statusLines) {
        return statusLines.stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .findFirst()
                .map(line -> line.substring("VmRSS:".length()).trim().split("\\s+"))
                .map(parts -> OptionalLong.of(Long.parseLong(parts[0]) * 1024))
                .orElse(OptionalLong.empty());
    }

    /** Megabytes, rounded, for the terminal. */
    public static String megabytes(long bytes) {
        return Math.round(bytes / (1024.0 * 1024.0)) + " MB";
    }
}
