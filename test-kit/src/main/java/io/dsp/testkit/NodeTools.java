package io.dsp.testkit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * npm tools the tests use (dclint for the compose file, playwright-core for the dashboard), installed on first use into
 * the git-ignored {@code .tools/node/<name>@<version>} of the repository with the npm on the PATH, at pinned versions.
 * One prefix per tool, because {@code npm install --prefix} prunes whatever else that prefix holds. Like
 * {@link RedisTestServer}, a machine without npm fails the test with an instruction; it never skips.
 */
public final class NodeTools {

    private NodeTools() {}

    /** The root of this repository: the nearest folder above the working directory that holds {@code mvnw}. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("Run the tests inside the repository (no mvnw found above "
                    + Path.of("").toAbsolutePath() + ")");
        }
        return dir;
    }

    /** Where one npm tool lives: {@code <repo>/.tools/node/<name>@<version>} ({@code /} in scoped names as {@code +}). */
    public static Path prefix(String name, String version) {
        return repositoryRoot().resolve(".tools").resolve("node").resolve(name.replace('/', '+') + "@" + version);
    }

    /** The installed package folder ({@code node_modules/<name>}), installing {@code name@version} if missing. */
    public static Path install(String name, String version) {
        Path prefix = prefix(name, version);
        Path packageDir = prefix.resolve("node_modules").resolve(name);
        try {
            Files.createDirectories(prefix);
            // Test JVMs of several modules may ask at once; one installs, the others wait and reuse it.
            try (FileChannel channel = FileChannel.open(
                            prefix.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                if (!installedVersionIs(packageDir, version)) {
                    npmInstall(prefix, name + "@" + version);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot install " + name + "@" + version + " under " + prefix, e);
        }
        return packageDir;
    }

    /** The executable {@code node_modules/.bin/<bin>} of a package, installing it if missing. */
    public static Path bin(String name, String version, String bin) {
        install(name, version);
        return prefix(name, version).resolve("node_modules").resolve(".bin").resolve(bin);
    }

    private static boolean installedVersionIs(Path packageDir, String version) throws IOException {
        Path manifest = packageDir.resolve("package.json");
        return Files.isRegularFile(manifest) && Files.readString(manifest).contains("\"version\": \"" + version + "\"");
    }

    private static void npmInstall(Path prefix, String spec) throws IOException {
        Path log = prefix.resolve("npm-install.log");
        Process process;
        try {
            process = new ProcessBuilder(List.of(
                            "npm",
                            "install",
                            "--no-audit",
                            "--no-fund",
                            "--no-save",
                            "--prefix",
                            prefix.toString(),
                            spec))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "These tests need npm (Node 20) on the PATH to install " + spec + "; install Node.js and rerun", e);
        }
        try {
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("npm install " + spec + " failed; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while installing " + spec, e);
        }
    }
}
