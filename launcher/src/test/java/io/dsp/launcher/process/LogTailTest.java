package io.dsp.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

    @Test
    void showsTheLastLinesOfALongLog(@TempDir Path dir) throws IOException {
        Path log = Files.writeString(
                dir.resolve("x.log"),
                IntStream.rangeClosed(1, 10_000).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")));

        assertThat(LogTail.lastLines(log, 3)).containsExactly("line 9998", "line 9999", "line 10000");
    }

    @Test
    void showsOnlyTheLatestStart(@TempDir Path dir) throws IOException {
        Path log = Files.writeString(
                dir.resolve("x.log"),
                "old 1\nold 2\n\n===== 2026-01-01T00:00:00Z: starting x =====\njava -jar x.jar\nError\n");

        assertThat(LogTail.lastLines(log, 10)).containsExactly("java -jar x.jar", "Error");
    }

    @Test
    void showsNothingForAMissingLog(@TempDir Path dir) {
        assertThat(LogTail.lastLines(dir.resolve("none.log"), 3)).isEmpty();
    }
}
