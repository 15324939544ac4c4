package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gateway.fleet.RedisWorkerSet;
import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.worker.WorkerBridge;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.testkit.Health;
import io.dsp.testkit.RedisOnPort;
import io.dsp.testkit.Services;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A gateway whose Redis is out (ADR 022): it starts, serves legacy workers, reconnects in the background, and puts
 * every worker connected to it back into {@code dsp:workers} as soon as Redis answers, whether Redis was never there or
 * restarted empty. The presence interval is long, so only that rebuild (not a reconciliation round) can fill the set
 * within the waits below.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisOutageIT {

    private static final String NODE_ID =
            "gw-outage-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Duration REBUILT_WITHIN = Duration.ofSeconds(15);

    private static RedisOnPort redis;
    private static ConfigurableApplicationContext gateway;
    private static FakeLegacyWorker worker;

    @BeforeAll
    static void startWithoutRedis() {
        redis = new RedisOnPort();
        gateway = Services.start(
                GatewayApplication.builder(),
                Map.of(
                        "spring.data.redis.port",
                        redis.port(),
                        "dsp.redis.reconnect-max-delay",
                        "1s",
                        "dsp.gateway.node-id",
                        NODE_ID,
                        "dsp.gateway.presence-interval",
                        "60s"));
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void startsWithoutRedisServesALegacyWorkerAndAddsItOnceRedisIsThere() {
        // Redis shows as DEGRADED; the gateway stays UP and ready.
        Health.awaitUpWithRedisDegraded(base());
        assertThat(fallbackGauge()).isEqualTo(1.0);

        worker = FakeLegacyWorker.connect(url(), Mode.SUCCEED);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.getBean(WorkerBridge.class).connectedWorkers() == 1);

        redis.start();
        await().atMost(REBUILT_WITHIN)
                .untilAsserted(() -> assertThat(redis.members(RedisWorkerSet.KEY))
                        .singleElement()
                        .satisfies(member -> assertThat(member).startsWith(NODE_ID)));
        assertThat(fallbackGauge()).isZero();
        assertThat(Health.component(base(), "redis")).isEqualTo("UP");
    }

    @Test
    @Order(2)
    void aRestartedEmptyRedisGetsTheConnectedWorkersBackAtOnce() {
        redis.start();
        await().atMost(REBUILT_WITHIN)
                .until(() -> !redis.members(RedisWorkerSet.KEY).isEmpty());

        redis.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> fallbackGauge() == 1.0);
        redis.start();

        await().atMost(REBUILT_WITHIN)
                .untilAsserted(() -> assertThat(redis.members(RedisWorkerSet.KEY))
                        .singleElement()
                        .satisfies(member -> assertThat(member).startsWith(NODE_ID)));
        assertThat(gateway.getBean(MeterRegistry.class)
                        .get(MetricNames.REDIS_FALLBACKS)
                        .counter()
                        .count())
                .as("one fallback per outage: the start without Redis and the restart")
                .isEqualTo(2.0);
    }

    private static double fallbackGauge() {
        return gateway.getBean(MeterRegistry.class)
                .get(MetricNames.REDIS_FALLBACK)
                .gauge()
                .value();
    }

    private static String url() {
        return "ws://127.0.0.1:" + port() + "/dsp";
    }

    private static String base() {
        return "http://127.0.0.1:" + port();
    }

    private static int port() {
        return ((WebServerApplicationContext) gateway).getWebServer().getPort();
    }
}
