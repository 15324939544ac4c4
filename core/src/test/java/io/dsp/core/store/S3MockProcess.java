package io.dsp.core.store;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Adobe S3Mock, a real S3-protocol server, as a child process on free loopback ports (the jar is copied into
 * {@code target/s3mock} by the build). Stopped, with its files, when closed.
 */
final class S3MockProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path root;

    private S3MockProcess(Process process, int port, Path root) {
        this.process = process;
        this.port = port;
        this.root = root;
    }

    static S3MockProcess start() throws IOException {
        String jar = System.getProperty("s3mock.jar", "target/s3mock/s3mock.jar");
        int http = freePort();
        int https = freePort();
        Path root = Files.createTempDirectory("s3mock");
        Path log = root.resolveSibling(root.getFileName() + ".log");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        jar,
                        "--com.adobe.testing.s3mock.httpPort=" + http,
                        "--server.port=" + https,
                        "--server.address=127.0.0.1",
                        "--com.adobe.testing.s3mock.store.root=" + root)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        S3MockProcess mock = new S3MockProcess(process, http, root);
        try {
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("S3Mock exited; see " + log);
                        }
                        return mock.answers();
                    });
        } catch (RuntimeException e) {
            mock.close();
            throw e;
        }
        return mock;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    private boolean answers() {
        try {
            HttpURLConnection connection =
                    (HttpURLConnection) endpoint().toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(1000);
            return connection.getResponseCode() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
