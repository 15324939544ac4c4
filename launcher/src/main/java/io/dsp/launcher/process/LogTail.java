package io.dsp.launcher.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The last lines of a child's log, shown under a startup error so that the cause is on screen: only lines of the
 * latest start (logs are appended to across runs, a separator line before each start).
 */
public final class LogTail {

    // Logs are appended to forever; the end is all we need.
    private static final int MAX_BYTES = 32 * 1024;

    private LogTail() {}

    public static List<String> lastLines(Path log, int lines) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, file.length() - MAX_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\\R"));
            int from = Math.max(0, all.size() - lines);
            for (int i = all.size() - 1; i >= from; i--) {
                if (all.get(i).startsWith(ChildProcess.SEPARATOR)) {
                    from = i + 1;
                    break;
                }
            }
            return all.subList(from, all.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
