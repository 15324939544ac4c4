package io.dsp.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The link without a Redis: its backoff, and an unreachable Redis seen as one outage, counted and logged once. */
class RedisLinkTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Logger log;

    @BeforeEach
    void captureTheServiceLog() {
        log = (Logger) LoggerFactory.getLogger("redis-link-test-" + UUID.randomUUID());
        log.setLevel(Level.INFO);
        log.setAdditive(false);
        lines.start();
        log.addAppender(lines);
    }

    @AfterEach
    void stopCapturing() {
        log.detachAppender(lines);
        lines.stop();
    }

    @Test
    void backoffDoublesFromTheFirstRetryUpToTheMaximumAndStartsAgainAfterASuccess() {
        Backoff backoff = new Backoff(RedisLink.FIRST_RETRY, Duration.ofSeconds(5));

        assertThat(Stream.generate(backoff::next).limit(6))
                .containsExactly(
                        Duration.ofMillis(500),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5));
        backoff.reset();
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void backoffNeverExceedsTheMaximumNorOverflows() {
        Backoff shortMax = new Backoff(RedisLink.FIRST_RETRY, Duration.ofMillis(200));
        assertThat(shortMax.next()).isEqualTo(Duration.ofMillis(200));

        Backoff backoff = new Backoff(RedisLink.FIRST_RETRY, Duration.ofSeconds(30));
        assertThat(Stream.generate(backoff::next).limit(200))
                .allSatisfy(delay -> assertThat(delay).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30)));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anUnreachableRedisStartsOneOutageCountedAndLoggedOnceWhateverTheRetries() {
        int port = portNothingListensOn();
        RedisLink.Service service = new RedisLink.Service("test", log, "counting here", "counting there");

        try (RedisLink link = RedisLink.connect(
                service,
                RedisLink.uri("127.0.0.1", port, "", Duration.ofSeconds(1)),
                Duration.ofSeconds(1),
                registry,
                Clock.systemUTC())) {
            assertThat(link.configured()).isTrue();
            assertThat(link.available()).isFalse();
            assertThat(link.outage())
                    .hasValueSatisfying(outage -> assertThat(outage.reason()).isNotBlank());
            assertThat(link.call(commands -> commands.ping())).isEmpty();

            // The link retries in the background (after 500 ms, then every second: the maximum here); it stays one
            // outage.
            await().during(Duration.ofMillis(1700))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> fallbacks() == 1.0
                            && fallback() == 1.0
                            && link.outage().isPresent());
            assertThat(lines.list).singleElement().satisfies(line -> {
                assertThat(line.getLevel()).isEqualTo(Level.WARN);
                assertThat(line.getFormattedMessage())
                        .startsWith("Redis at 127.0.0.1:" + port + " unreachable (")
                        .endsWith("); counting here; reconnecting in the background (backoff up to PT1S)");
            });
        }
    }

    @Test
    void withoutRedisConfiguredNothingIsSentAndTheMetricsStayAtZero() {
        RedisLink.Service service = new RedisLink.Service("test", log, "counting here", "counting there");

        try (RedisLink link = RedisLink.notConfigured(service, registry)) {
            assertThat(link.configured()).isFalse();
            assertThat(link.available()).isFalse();
            assertThat(link.outage()).isEmpty();
            assertThat(link.call(commands -> commands.ping())).isEmpty();
            assertThat(fallbacks()).isZero();
            assertThat(fallback()).isZero();
            assertThat(lines.list).isEmpty();
        }
    }

    private double fallbacks() {
        return registry.get(MetricNames.REDIS_FALLBACKS)
                .tag(MetricNames.TAG_SOURCE, "test")
                .counter()
                .count();
    }

    private double fallback() {
        return registry.get(MetricNames.REDIS_FALLBACK)
                .tag(MetricNames.TAG_SOURCE, "test")
                .gauge()
                .value();
    }

    private static int portNothingListensOn() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
