package io.dsp.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A real {@code redis-server} process on a free loopback port, started once per JVM. A machine without redis-server
 * fails the test with an instruction; it never skips, because a skipped integration test is a hidden failure.
 */
public final class RedisTestServer {

    private static volatile RedisTestServer instance;

    private final Process process;
    private final int port;
    private final Path workDir;

    private RedisTestServer() {
        String executable = findExecutable();
        port = freePort();
        try {
            workDir = Files.createTempDirectory("dsp-redis-");
            process = new ProcessBuilder(List.of(
                            executable,
                            "--port",
                            String.valueOf(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--dir",
                            workDir.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + executable + ": " + e.getMessage(), e);
        }
        Awaitility.await("redis-server on port " + port)
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("redis-server exited; see " + workDir.resolve("redis.log"));
                    }
                    return "+PONG".equals(command("PING"));
                });
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "redis-test-server-stop"));
    }

    /** The JVM's Redis, started on first use. */
    public static RedisTestServer get() {
        RedisTestServer local = instance;
        if (local == null) {
            synchronized (RedisTestServer.class) {
                local = instance;
                if (local == null) {
                    local = new RedisTestServer();
                    instance = local;
                }
            }
        }
        return local;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /**
     * Sends one inline command and returns the first reply line, e.g. {@code +PONG}; for harness checks, not for
     * application code (which uses a real client).
     */
    public String command(String inline) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host(), port), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r') {
                line.append((char) c);
            }
            return line.toString();
        }
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port for redis-server", e);
        }
    }
}
