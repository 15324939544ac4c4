package io.dsp.core.redis;

import io.dsp.schemas.metric.MetricNames;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * A service's connection to a Redis it can do without (ADR 022), written once for asset-api's limits and the gateway.
 * It tries to connect once at start and, failing that, lets the service start anyway. While Redis is out a command is
 * not sent at all ({@link #call} answers empty at once; Lettuce rejects commands while disconnected), so no request
 * waits for a timeout. One background thread per link ({@code <service>-redis-link}) looks at the connection every
 * second and, while Redis is out, reconnects and pings with backoff (500 ms doubling up to
 * {@code dsp.redis.reconnect-max-delay}; Lettuce's own reconnection of a lost connection uses the same bounds); the
 * first answer ends the outage and runs the {@link #onRestored restore listeners}. Each outage is logged once at WARN
 * when it starts and once at INFO when it ends, to the service's logger and in its words, and shown by
 * {@link MetricNames#REDIS_FALLBACK} (1 during an outage) and {@link MetricNames#REDIS_FALLBACKS} (one per outage),
 * tagged with the service as {@link MetricNames#TAG_SOURCE source}.
 */
public final class RedisLink implements AutoCloseable {

    /** How often a healthy connection is looked at (no command: only whether it is open). */
    static final Duration CHECK = Duration.ofSeconds(1);
    /** The first retry after a failure; each further one waits twice as long, up to the maximum. */
    static final Duration FIRST_RETRY = Duration.ofMillis(500);

    /** An outage: since when Redis is out, and why. */
    public record Outage(Instant since, String reason) {}

    /**
     * The service a link belongs to: its name (the metrics' {@code source} tag and the link thread's name), the logger
     * its outage lines go to, and what those lines say it does without Redis ({@code withoutRedis}, in the WARN that
     * starts an outage) and once Redis answers again ({@code withRedisAgain}, in the INFO that ends it).
     */
    public record Service(String name, Logger log, String withoutRedis, String withRedisAgain) {}

    private final Service service;
    private final String address;
    private final Duration maxDelay;
    private final Clock clock;
    private final Counter fallbacks;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService link;
    private final Backoff backoff;
    private final List<Runnable> restoredListeners = new CopyOnWriteArrayList<>();
    private volatile StatefulRedisConnection<String, String> connection;
    /** Non-null while Redis is configured and out: since when, and why. */
    private volatile Outage outage;

    private volatile boolean closed;

    /** Connects to the Redis at {@code uri} (its timeout is also the connect timeout), now or in the background. */
    public static RedisLink connect(
            Service service, RedisURI uri, Duration maxDelay, MeterRegistry registry, Clock clock) {
        return new RedisLink(service, uri, maxDelay, registry, clock);
    }

    /**
     * No Redis configured: never connected, never in an outage, every command skipped; the metrics are registered all
     * the same (at 0).
     */
    public static RedisLink notConfigured(Service service, MeterRegistry registry) {
        return new RedisLink(service, null, Duration.ZERO, registry, Clock.systemUTC());
    }

    /** A Redis address with a password when one is given (blank: none) and a timeout for commands and connecting. */
    public static RedisURI uri(String host, int port, String password, Duration timeout) {
        RedisURI.Builder uri = RedisURI.builder().withHost(host).withPort(port).withTimeout(timeout);
        if (!password.isEmpty()) {
            uri.withPassword(password.toCharArray());
        }
        return uri.build();
    }

    private RedisLink(Service service, RedisURI uri, Duration maxDelay, MeterRegistry registry, Clock clock) {
        this.service = service;
        this.maxDelay = maxDelay;
        this.clock = clock;
        this.backoff = new Backoff(FIRST_RETRY, maxDelay);
        this.fallbacks = Counter.builder(MetricNames.REDIS_FALLBACKS)
                .description("Times this service fell back from Redis")
                .tag(MetricNames.TAG_SOURCE, service.name())
                .register(registry);
        Gauge.builder(MetricNames.REDIS_FALLBACK, this, l -> l.outage == null ? 0 : 1)
                .description("1 while this service works without the Redis it is configured with")
                .tag(MetricNames.TAG_SOURCE, service.name())
                .register(registry);
        if (uri == null) {
            address = null;
            resources = null;
            client = null;
            link = null;
            return;
        }
        address = uri.getHost() + ":" + uri.getPort();
        // Lettuce's own reconnection of a lost connection backs off up to the same maximum as the first connection.
        resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(FIRST_RETRY, maxDelay, 2, TimeUnit.MILLISECONDS))
                .build();
        client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // While disconnected a command fails at once instead of waiting for the timeout.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(
                        SocketOptions.builder().connectTimeout(uri.getTimeout()).build())
                .build());
        link = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, service.name() + "-redis-link");
            thread.setDaemon(true);
            return thread;
        });
        // One attempt at start, so that a reachable Redis serves the first commands (the gateway's node number); the
        // rest in the background.
        try {
            connection = client.connect();
            schedule(CHECK);
        } catch (RuntimeException e) {
            lost(e);
            schedule(backoff.next());
        }
    }

    /** Whether Redis is configured at all. */
    public boolean configured() {
        return client != null;
    }

    /** Whether commands go to Redis now: configured, connected and not in an outage. */
    public boolean available() {
        return configured() && connection != null && outage == null;
    }

    /** The current outage; empty while Redis answers or is not configured. */
    public Optional<Outage> outage() {
        return Optional.ofNullable(outage);
    }

    /**
     * Runs {@code listener} on the link's thread each time Redis answers again after an outage, to rebuild what the
     * service keeps there. A listener that fails is logged; the others still run.
     */
    public void onRestored(Runnable listener) {
        restoredListeners.add(listener);
    }

    /**
     * Runs one command; empty when Redis is not configured, is out (skipped at once, the outage already logged), or
     * did not answer (which starts an outage).
     *
     * @throws RedisCommandExecutionException when Redis answered with an error: no outage; the caller says what was
     *     refused
     */
    public <T> Optional<T> call(Function<RedisCommands<String, String>, T> command) {
        StatefulRedisConnection<String, String> current = connection;
        if (current == null || outage != null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(command.apply(current.sync()));
        } catch (RedisCommandExecutionException e) {
            // Redis answered, with an error: no outage.
            throw e;
        } catch (RuntimeException e) {
            lost(e);
            return Optional.empty();
        }
    }

    /** The link's one task: reconnects and pings with backoff while Redis is out, watches the connection otherwise. */
    private void watch() {
        Duration next = CHECK;
        try {
            StatefulRedisConnection<String, String> current = connection;
            if (current == null) {
                current = client.connect();
                connection = current;
            }
            if (!current.isOpen()) {
                throw new IllegalStateException("connection lost, reconnecting");
            }
            if (outage != null) {
                current.sync().ping();
                restored();
            }
            backoff.reset();
        } catch (RuntimeException e) {
            lost(e);
            next = backoff.next();
        } finally {
            schedule(next);
        }
    }

    private void schedule(Duration delay) {
        if (closed) {
            return;
        }
        try {
            link.schedule(this::watch, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private synchronized void lost(RuntimeException cause) {
        if (outage != null || closed) {
            return;
        }
        outage = new Outage(clock.instant(), cause.toString());
        fallbacks.increment();
        service.log()
                .warn(
                        "Redis at {} unreachable ({}); {}; reconnecting in the background (backoff up to {})",
                        address,
                        cause.toString(),
                        service.withoutRedis(),
                        maxDelay);
    }

    private void restored() {
        Outage ended;
        synchronized (this) {
            ended = outage;
            outage = null;
        }
        if (ended == null) {
            return;
        }
        service.log()
                .info(
                        "Redis at {} answers again after {} s; {}",
                        address,
                        Duration.between(ended.since(), clock.instant()).toSeconds(),
                        service.withRedisAgain());
        for (Runnable listener : restoredListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                service.log().warn("rebuilding after Redis came back failed: {}", e.toString());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (link != null) {
            link.shutdownNow();
        }
        StatefulRedisConnection<String, String> current = connection;
        if (current != null) {
            current.close();
        }
        if (client != null) {
            client.shutdown();
            resources.shutdown();
        }
    }
}
