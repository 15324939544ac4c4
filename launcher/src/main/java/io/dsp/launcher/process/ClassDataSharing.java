package io.dsp.launcher.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Dynamic application class-data sharing (AppCDS) for the child JVMs: the first run dumps the classes it loaded into
 * an archive when it exits, later runs map that archive instead of loading and verifying every class again. On this
 * machine it halves the broker's start (~2.0 s to ~1.0 s to "Kafka Server started") and takes a service from ~4.5 s
 * (fat jar) to ~1.6 s (extracted jar with an archive).
 *
 * <p>An archive is only valid for the exact JDK and jars it was dumped from, so its name carries a fingerprint of
 * them: a rebuild or a JDK change simply dumps a new one and {@link #removeOutdated} drops the old.
 */
public final class ClassDataSharing {

    private static final String DUMP = "-XX:ArchiveClassesAtExit=";
    private static final String USE = "-XX:SharedArchiveFile=";
    // The dump lists every class it skips as a warning: noise in the child's log, nothing to act on.
    private static final String QUIET = "-Xlog:cds*=error";

    private ClassDataSharing() {}

    /** Options that map {@code archive}, or dump it when the JVM exits if it does not exist yet. */
    public static List<String> options(Path archive) {
        if (Files.isRegularFile(archive)) {
            return List.of(USE + archive, QUIET);
        }
        return List.of(DUMP + archive, QUIET);
    }

    /** The archive these options dump at exit, if they dump one. */
    public static Optional<Path> dumpTarget(List<String> jvmOptions) {
        return jvmOptions.stream()
                .filter(o -> o.startsWith(DUMP))
                .findFirst()
                .map(o -> Path.of(o.substring(DUMP.length())));
    }

    /**
     * Drops the archive a JVM was dumping if it did not exit by itself: killed mid-dump, it may have left a
     * truncated file behind, which later runs would have to ignore.
     */
    public static void discardUnfinishedDump(List<String> jvmOptions) {
        dumpTarget(jvmOptions).ifPresent(archive -> {
            try {
                Files.deleteIfExists(archive);
            } catch (IOException e) {
                // The next JVM finds an unusable archive and runs without one: slower, not wrong.
            }
        });
    }

    /** A short fingerprint of this JDK and the given files (paths, sizes, modification times). */
    public static String fingerprint(List<Path> files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, System.getProperty("java.home"));
            update(digest, System.getProperty("java.vm.version"));
            for (Path file : files) {
                update(digest, file.toAbsolutePath().toString());
                if (Files.exists(file)) {
                    update(
                            digest,
                            Files.size(file) + "@"
                                    + Files.getLastModifiedTime(file).toMillis());
                }
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("Cannot fingerprint " + files, e);
        }
    }

    /**
     * Deletes every entry of {@code dir} whose name starts with {@code prefix}, except {@code keep} (may be null).
     */
    public static void removeOutdated(Path dir, String prefix, Path keep) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                if (entry.getFileName().toString().startsWith(prefix) && !entry.equals(keep)) {
                    deleteRecursively(entry);
                }
            }
        } catch (IOException e) {
            // Outdated archives only cost disk space.
        }
    }

    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
