package io.dsp.assetapi.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.AssetApiIntegrationTest;
import io.dsp.core.license.LicenseKeys;
import io.dsp.core.license.QuotaLimiter;
import io.dsp.core.license.QuotaLimiter.Quota;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.RedisTestServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

@AssetApiIntegrationTest
class RateLimitIT {

    @LocalServerPort
    int port;

    @Autowired
    QuotaLimiter limiter;

    @Autowired
    LimitSettings settings;

    @Test
    void aLicenseOverItsRateIsRefusedInTheLegacyEnvelopeWhileOthersPass() {
        String busy = "rate-" + UUID.randomUUID();
        String calm = "calm-" + UUID.randomUUID();
        Licenses.provisionActive(busy);
        Licenses.provisionActive(calm);
        ApiClient app = ApiClient.forLicense(base(), busy, "m1");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(app.get("/api/asset/list").code()).isZero());

        for (int i = 0; i < AssetApiIntegrationTest.RATE_LIMIT; i++) {
            assertThat(acquire(limiter, busy)).isTrue();
        }

        ApiClient.Answer legacy = app.postJson("/api/asset/delete", "{\"id\":1}");
        assertThat(legacy.status()).isEqualTo(200);
        assertThat(legacy.code()).isEqualTo(1);
        assertThat(legacy.msg()).isEqualTo("请求过于频繁，请稍后重试");
        ApiClient.Answer v1 = app.postJson("/api/v1/tasks", "{\"task_type\":\"echo_test\",\"payload\":{}}");
        assertThat(v1.status()).isEqualTo(429);
        // Reads are not counted.
        assertThat(app.get("/api/asset/list").code()).isZero();
        ApiClient calmApp = ApiClient.forLicense(base(), calm, "m1");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(calmApp.get("/api/asset/list").code()).isZero());
        assertThat(calmApp.postJson("/api/asset/delete", "{\"id\":1}").code()).isZero();
    }

    @Test
    void countsLiveInRedisSoEveryInstanceSharesThem() {
        String license = "shared-" + UUID.randomUUID();
        RedisTestServer redis = RedisTestServer.get();
        RedisQuotaStore otherStore = new RedisQuotaStore(
                RedisURI.create(redis.host(), redis.port()),
                Duration.ofSeconds(1),
                new SimpleMeterRegistry(),
                Clock.systemUTC());
        RedisClient client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
        try (QuotaLimiter otherInstance = new QuotaLimiter(otherStore, Clock.systemUTC());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            for (int i = 0; i < AssetApiIntegrationTest.RATE_LIMIT - 1; i++) {
                assertThat(acquire(limiter, license)).isTrue();
            }
            assertThat(acquire(otherInstance, license)).isTrue();
            assertThat(acquire(otherInstance, license)).isFalse();
            assertThat(acquire(limiter, license)).isFalse();
            assertThat(connection.sync().keys("dsp:rate:" + LicenseKeys.hash(license) + ":*"))
                    .singleElement()
                    .satisfies(key -> assertThat(connection.sync().pttl(key)).isPositive());
            assertThat(connection.sync().keys("*" + license + "*")).isEmpty();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void countsGoOnInRedisAfterRedisForgetsTheScript() {
        String license = "flushed-" + UUID.randomUUID();
        RedisTestServer redis = RedisTestServer.get();
        RedisClient client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            assertThat(acquire(limiter, license)).isTrue();

            // a Redis restarted or flushed knows no script: EVALSHA answers NOSCRIPT and the store loads it again
            connection.sync().scriptFlush();
            connection.sync().configResetstat();
            assertThat(acquire(limiter, license)).isTrue();
            assertThat(acquire(limiter, license)).isTrue();

            assertThat(connection.sync().keys("dsp:rate:" + LicenseKeys.hash(license) + ":*"))
                    .singleElement()
                    .satisfies(key -> assertThat(connection.sync().get(key)).isEqualTo("3"));
            // the script goes by its hash; its text only once, to load it again after NOSCRIPT
            assertThat(connection.sync().info("commandstats"))
                    .contains("cmdstat_evalsha:")
                    .contains("cmdstat_eval:calls=1,");
        } finally {
            client.shutdown();
        }
    }

    private boolean acquire(QuotaLimiter quotas, String license) {
        return quotas.tryAcquire(Quota.REQUESTS, license, settings.requestsPerWindow(), settings.window());
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
