package io.dsp.testkit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a port of its own that a test starts, stops and starts again, empty each time (an
 * outage, a restart that lost its data). Until the first start nothing listens on the port. The harness's
 * {@code RedisTestServer} is one per JVM and never stops, so outage tests use this one.
 */
public final class RedisOnPort implements AutoCloseable {

    private final int port;
    private final RedisClient client;
    private Process process;

    public RedisOnPort() {
        port = RedisServerProcess.freePort();
        client = RedisClient.create(RedisURI.builder()
                .withHost(RedisServerProcess.HOST)
                .withPort(port)
                .withTimeout(Duration.ofSeconds(2))
                .build());
    }

    public int port() {
        return port;
    }

    /** Starts an empty redis-server on the port and waits until it answers. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        process = RedisServerProcess.start(
                port,
                "dsp-redis-outage-",
                () -> "PONG".equals(call(c -> c.sync().ping())));
    }

    /** Stops the server (its data is lost) and waits until it has exited. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** The keys matching a pattern, read with a real client over a fresh connection. */
    public List<String> keys(String pattern) {
        return call(c -> c.sync().keys(pattern));
    }

    /** The members of a set, read with a real client over a fresh connection. */
    public Set<String> members(String key) {
        return call(c -> c.sync().smembers(key));
    }

    private <T> T call(java.util.function.Function<StatefulRedisConnection<String, String>, T> command) {
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return command.apply(connection);
        }
    }

    @Override
    public void close() {
        stop();
        client.shutdown();
    }
}
