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
 * Application class-data sharing (AppCDS) for the child JVMs: the classes a running JVM loaded are archived, and
 * later runs map that archive instead of loading and verifying every class again. On this machine it halves the
 * broker's start (~2.0 s to ~1.0 s to "Kafka Server started") and takes a service from ~4.5 s (fat jar) to ~1.6 s
 * (extracted jar with an archive).
 *
 * <p>The archive is made once the JVM is up, never when it exits (ADR 025): a JVM without an archive starts with no
 * CDS option at all, and once the stack is ready {@link ClassArchiveDumper} runs {@code jcmd <pid> VM.cds static_dump}
 * against it. The running JVM only writes the list of its loaded classes and starts a separate JVM ({@code
 * -Xshare:dump}, same classpath and options) that archives them under a temporary name; the archive gets its own name
 * only when complete. A stop therefore never waits for an archive: it kills the dump. Without {@code jcmd} (a JRE) no
 * archive can be made and the JVMs run without one.
 *
 * <p>An archive is only valid for the exact JDK and jars it was dumped from, so its name carries a fingerprint of
 * them: a rebuild or a JDK change simply dumps a new one and {@link #removeOutdated} drops the old.
 */
public final class ClassDataSharing {

    private static final String USE = "-XX:SharedArchiveFile=";
    private static final String DUMPING = "-Xshare:dump";
    // A mapping mismatch (another JDK build, a moved jar) is reported as a warning: the JVM runs without the archive,
    // which is all there is to it.
    private static final String QUIET = "-Xlog:cds*=error";
    private static final String PARTIAL = ".part";

    private ClassDataSharing() {}

    /**
     * Options that map {@code archive}, or none while it does not exist: whatever happens to the JVM, it writes no
     * archive when it exits (see {@link #toDump}).
     */
    public static List<String> options(Path archive) {
        return Files.isRegularFile(archive) ? List.of(USE + archive, QUIET) : List.of();
    }

    /**
     * The archive to dump once a JVM started with {@link #options} runs: empty when it maps one already, or when
     * there is no {@link #jcmd()} to dump one.
     */
    public static Optional<Path> toDump(Path archive) {
        return toDump(archive, jcmd().isPresent());
    }

    static Optional<Path> toDump(Path archive, boolean canDump) {
        return canDump && !Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty();
    }

    /**
     * The {@code jcmd} of the JDK this launcher runs on, which is also the one its children run on; empty on a JRE.
     */
    public static Optional<Path> jcmd() {
        return jcmdIn(Path.of(System.getProperty("java.home")));
    }

    static Optional<Path> jcmdIn(Path javaHome) {
        Path jcmd = javaHome.resolve("bin").resolve("jcmd");
        return Files.isExecutable(jcmd) ? Optional.of(jcmd) : Optional.empty();
    }

    /**
     * Where a dump of {@code archive} is written until it is complete: beside it, so that a rename is atomic. The
     * dump's own temporary files ({@code .classlist}, {@code .temp}) are named after it.
     */
    public static Path partial(Path archive) {
        return archive.resolveSibling(archive.getFileName() + PARTIAL);
    }

    /**
     * Drops what an unfinished dump of {@code archive} left behind: its {@link #partial} file and the files named
     * after it. The archive itself only ever appears complete.
     */
    public static void discardUnfinishedDump(Path archive) {
        Path dir = archive.toAbsolutePath().getParent();
        String partial = partial(archive).getFileName().toString();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                if (entry.getFileName().toString().startsWith(partial)) {
                    Files.deleteIfExists(entry);
                }
            }
        } catch (IOException e) {
            // The next dump overwrites it; until then it only costs disk space.
        }
    }

    /** Whether a process's arguments say it is the JVM writing {@code archive} ({@code -Xshare:dump}). */
    static boolean isDumping(List<String> arguments, Path archive) {
        String writing = USE + partial(archive).toAbsolutePath();
        return arguments.contains(DUMPING) && arguments.stream().anyMatch(a -> a.startsWith(writing));
    }

    /**
     * Kills the JVM writing {@code archive}, if any. It is the child of the JVM being dumped, not of the launcher: a
     * stop that only killed {@code jcmd} would leave it running after the stack is gone.
     */
    static void killDumpingJvms(Path archive) {
        ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .arguments()
                        .map(args -> isDumping(List.of(args), archive))
                        .orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
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
