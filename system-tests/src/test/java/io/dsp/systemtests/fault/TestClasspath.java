package io.dsp.systemtests.fault;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The classpath of child JVMs: this module's test classpath as Maven wrote it ({@code target/test-classpath.txt},
 * {@code generate-test-resources}) plus its own classes. The broker's copy swaps logback for slf4j-simple.
 */
final class TestClasspath {

    static final Path TARGET = Path.of("target").toAbsolutePath();

    private TestClasspath() {}

    static List<Path> services() {
        Path file = TARGET.resolve("test-classpath.txt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file
                    + " is missing: run the suite through Maven (./mvnw -pl system-tests verify), which writes it");
        }
        try {
            List<Path> paths = new ArrayList<>();
            paths.add(TARGET.resolve("test-classes"));
            paths.add(TARGET.resolve("classes"));
            Arrays.stream(Files.readString(file).trim().split(File.pathSeparator))
                    .filter(s -> !s.isBlank())
                    .map(Path::of)
                    .forEach(paths::add);
            return paths;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> broker() {
        List<Path> paths = new ArrayList<>(services().stream()
                .filter(p -> !p.getFileName().toString().startsWith("logback-"))
                .toList());
        try (Stream<Path> jars = Files.list(TARGET.resolve("broker-lib"))) {
            jars.forEach(paths::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return paths;
    }

    static String join(List<Path> paths) {
        return String.join(
                File.pathSeparator, paths.stream().map(Path::toString).toList());
    }
}
