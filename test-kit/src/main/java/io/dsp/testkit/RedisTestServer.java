package io.dsp.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A real {@code redis-server} process on a free loopback port, started once per JVM. A machine without redis-server
 * fails the test with an instruction; it never skips, because a skipped integration test is a hidden failure.
 */
public final class RedisTestServer {

    private static volatile RedisTestServer instance;

    private final Process process;
    private final int port;

    private RedisTestServer() {
        port = RedisServerProcess.freePort();
        process = RedisServerProcess.start(port, "dsp-redis-", () -> "+PONG".equals(command("PING")));
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
        return RedisServerProcess.HOST;
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
}
