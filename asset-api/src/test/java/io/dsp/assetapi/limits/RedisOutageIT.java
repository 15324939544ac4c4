package io.dsp.assetapi.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.AssetApiApplication;
import io.dsp.assetapi.AssetApiIntegrationTest;
import io.dsp.core.license.LicenseKeys;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Health;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.RedisOnPort;
import io.dsp.testkit.Services;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
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
 * asset-api started while its Redis is out (ADR 022): it starts, takes tasks, limits each license in this process, shows
 * Redis as DEGRADED without going DOWN, and counts in Redis again once Redis is there, without a restart. One instance
 * of its own (its own Kafka Streams application), pointed at a port where Redis is started only later.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisOutageIT {

    private static final int LIMIT = 3;
    private static final String TASK = "{\"task_type\":\"echo_test\",\"payload\":{}}";

    private static RedisOnPort redis;
    private static ConfigurableApplicationContext api;

    @BeforeAll
    static void startWithoutRedis() {
        redis = new RedisOnPort();
        Map<String, Object> settings = new HashMap<>();
        settings.put("spring.data.redis.port", redis.port());
        settings.put("dsp.redis.reconnect-max-delay", "1s");
        settings.put("spring.kafka.streams.application-id", "dsp-asset-api-redis-outage-" + UUID.randomUUID());
        settings.put("dsp.fleet.token", AssetApiIntegrationTest.FLEET_TOKEN);
        settings.put("dsp.asset-api.tasks.generic-types", "echo_test");
        settings.put("dsp.asset-api.limits.requests-per-window", LIMIT);
        settings.put("dsp.asset-api.limits.window", "1h");
        api = Services.start(AssetApiApplication.builder(), settings);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void startsWithoutRedisTakesTasksAndLimitsEachLicenseInThisInstance() {
        ApiClient app = licensed("no-redis-" + UUID.randomUUID());
        for (int i = 0; i < LIMIT; i++) {
            ApiClient.Answer accepted = app.postJson("/api/v1/tasks", TASK);
            assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
        }
        assertThat(app.postJson("/api/v1/tasks", TASK).status()).isEqualTo(429);

        // Redis shows as DEGRADED; the service stays UP (its read models running) and ready.
        Health.awaitUpWithRedisDegraded(base());
        assertThat(fallbackGauge()).isEqualTo(1.0);
        assertThat(api.getBean(MeterRegistry.class)
                        .get(MetricNames.REDIS_FALLBACKS)
                        .counter()
                        .count())
                .as("one outage, counted once however many requests it saw")
                .isEqualTo(1.0);
    }

    @Test
    @Order(2)
    void countsGoBackToRedisOnceItIsThereWithoutARestart() {
        redis.start();
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () -> assertThat(Health.component(base(), "redis")).isEqualTo("UP"));
        assertThat(fallbackGauge()).isZero();

        String license = "redis-back-" + UUID.randomUUID();
        ApiClient app = licensed(license);
        assertThat(app.postJson("/api/v1/tasks", TASK).status()).isEqualTo(202);
        assertThat(redis.keys("dsp:rate:" + LicenseKeys.hash(license) + ":*")).hasSize(1);
    }

    private static double fallbackGauge() {
        return api.getBean(MeterRegistry.class)
                .get(MetricNames.REDIS_FALLBACK)
                .tag(MetricNames.TAG_SOURCE, RedisQuotaStore.SOURCE)
                .gauge()
                .value();
    }

    private static ApiClient licensed(String license) {
        Licenses.provisionActive(license);
        ApiClient app = ApiClient.forLicense(base(), license, "m1");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> assertThat(app.get("/api/asset/list").code()).isZero());
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(app.get("/api/v1/tasks/none").status()).isEqualTo(404));
        return app;
    }

    private static String base() {
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) api).getWebServer().getPort();
    }
}
