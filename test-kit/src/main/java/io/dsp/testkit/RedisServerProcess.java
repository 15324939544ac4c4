package io.dsp.testkit;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;

/**
 * How the harness starts a real {@code redis-server}, written once for {@link RedisTestServer} (one per JVM) and
 * {@link RedisOnPort} (started and stopped by a test): on loopback, empty, without persistence, its data folder and log
 * in a fresh temporary folder. A machine without redis-server fails the test with an instruction; it never skips.
 */
final class RedisServerProcess {

    static final String HOST = "127.0.0.1";

    private RedisServerProcess() {}

    /** A loopback port nothing listens on now. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port for redis-server", e);
        }
    }

    /**
     * Starts an empty redis-server on {@code port}, in a new temporary folder named from {@code dirPrefix}, and waits
     * until {@code answers} (a {@code PING} by the caller's own client, so that the client is ready too) says yes, a
     * failure meaning not yet; a server that exits or does not answer in time is stopped and fails the test.
     */
    static Process start(int port, String dirPrefix, Callable<Boolean> answers) {
        String executable = findExecutable();
        Path dir;
        Process process;
        try {
            dir = Files.createTempDirectory(dirPrefix);
            process = new ProcessBuilder(List.of(
                            executable,
                            "--port",
                            String.valueOf(port),
                            "--bind",
                            HOST,
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--dir",
                            dir.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + executable + ": " + e.getMessage(), e);
        }
        try {
            Awaitility.await("redis-server on port " + port)
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("redis-server exited; see " + dir.resolve("redis.log"));
                        }
                        try {
                            return answers.call();
                        } catch (Exception e) {
                            return false;
                        }
                    });
        } catch (RuntimeException e) {
            // Exited, or no answer in time (ConditionTimeoutException): no process left behind.
            process.destroyForcibly();
            throw e;
        }
        return process;
    }

    private static String findExecutable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "redis-server");
            if (candidate.canExecute()) {
                return candidate.getAbsolutePath();
            }
        }
        for (String fallback : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (new File(fallback).canExecute()) {
                return fallback;
            }
        }
        throw new IllegalStateException(
                "redis-server is not installed; integration tests need a real one (apt-get install -y redis-server)");
    }
}
