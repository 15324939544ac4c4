package io.dsp.gateway;

import io.dsp.core.redis.RedisLink;
import io.dsp.schemas.metric.MetricNames;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Redis, when {@code spring.data.redis.host} is set (multi-instance deployments, the test harness): the legacy
 * {@code dsp:workers} set, unique node numbers and the shared high-priority counts. Without it the gateway runs alone
 * on Kafka. Redis being down never stops the gateway (ADR 022): it starts without Redis, a command while Redis is out is
 * skipped at once (no waiting on a timeout), and one background task reconnects with backoff (up to
 * {@code dsp.redis.reconnect-max-delay}) and pings until Redis answers again; then the {@link #onRestored listeners}
 * rebuild what this instance keeps there (all of it in {@link RedisLink}). Each outage is logged once at WARN, its end
 * once at INFO, and shown by {@link MetricNames#REDIS_FALLBACK} and {@link MetricNames#REDIS_FALLBACKS} and the
 * {@code redis} health contributor.
 */
@Component
public class RedisAccess implements AutoCloseable {

    static final String SOURCE = "gateway";

    private static final Logger log = LoggerFactory.getLogger(RedisAccess.class);

    private final RedisLink link;

    RedisAccess(
            @Value("${spring.data.redis.host:}") String host,
            @Value("${spring.data.redis.port:6379}") int port,
            @Value("${spring.data.redis.password:}") String password,
            @Value("${dsp.redis.reconnect-max-delay:30s}") Duration maxDelay,
            MeterRegistry registry,
            Clock clock) {
        RedisLink.Service service = new RedisLink.Service(
                SOURCE,
                log,
                "the gateway goes on without it: high-priority quotas counted in this process, dsp:workers not kept",
                "quotas shared in Redis again, rebuilding dsp:workers");
        link = host.isBlank()
                ? RedisLink.notConfigured(service, registry)
                : RedisLink.connect(
                        service, RedisLink.uri(host, port, password, Duration.ofSeconds(2)), maxDelay, registry, clock);
    }

    /** Whether Redis is configured at all ({@code spring.data.redis.host}). */
    public boolean configured() {
        return link.configured();
    }

    /** Whether commands go to Redis now: configured, connected and not in an outage. */
    public boolean available() {
        return link.available();
    }

    /** The current outage; empty while Redis answers or is not configured. */
    public Optional<RedisLink.Outage> outage() {
        return link.outage();
    }

    /** Runs {@code listener} on the Redis link's thread each time Redis answers again after an outage. */
    public void onRestored(Runnable listener) {
        link.onRestored(listener);
    }

    /**
     * Runs one command; empty when Redis is not configured, is out (skipped at once, the outage already logged), or the
     * command failed: refused by Redis (logged) or not answered (which starts an outage).
     */
    public <T> Optional<T> call(Function<RedisCommands<String, String>, T> command) {
        try {
            return link.call(command);
        } catch (RedisCommandExecutionException e) {
            // Redis answered, with an error: no outage.
            log.warn("Redis command refused: {}", e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        link.close();
    }
}
