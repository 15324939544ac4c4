package io.dsp.gateway;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Redis, when {@code spring.data.redis.host} is set (multi-instance deployments, the test harness): the legacy
 * {@code dsp:workers} set and unique node numbers. Without it the gateway runs alone on Kafka. Redis being down never
 * stops the gateway: a failed command is logged and skipped.
 */
@Component
public class RedisAccess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisAccess.class);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    RedisAccess(
            @Value("${spring.data.redis.host:}") String host,
            @Value("${spring.data.redis.port:6379}") int port,
            @Value("${spring.data.redis.password:}") String password) {
        if (host.isBlank()) {
            client = null;
            connection = null;
            return;
        }
        RedisURI.Builder uri = RedisURI.builder().withHost(host).withPort(port).withTimeout(Duration.ofSeconds(2));
        if (!password.isEmpty()) {
            uri.withPassword(password.toCharArray());
        }
        client = RedisClient.create(uri.build());
        StatefulRedisConnection<String, String> connected = null;
        try {
            connected = client.connect();
        } catch (RuntimeException e) {
            log.warn("Redis at {}:{} unreachable; dsp:workers is not kept: {}", host, port, e.toString());
        }
        connection = connected;
    }

    public boolean configured() {
        return connection != null;
    }

    /** Runs one command; empty when Redis is not configured or the command failed. */
    public <T> Optional<T> call(Function<RedisCommands<String, String>, T> command) {
        if (connection == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(command.apply(connection.sync()));
        } catch (RuntimeException e) {
            log.warn("Redis command failed: {}", e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown();
        }
    }
}
