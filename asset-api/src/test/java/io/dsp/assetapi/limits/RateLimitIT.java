package io.dsp.assetapi.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.AssetApiIntegrationTest;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.RedisTestServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
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
    RateLimiter limiter;

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
            assertThat(limiter.tryAcquire(busy)).isTrue();
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
        assertThat(limiter).isInstanceOf(RedisRateLimiter.class);
        String license = "shared-" + UUID.randomUUID();
        RedisTestServer redis = RedisTestServer.get();
        RedisClient client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
        try (RedisRateLimiter otherInstance = new RedisRateLimiter(client, settings, Clock.systemUTC());
                StatefulRedisConnection<String, String> connection = RedisClient.create(
                                RedisURI.create(redis.host(), redis.port()))
                        .connect()) {
            for (int i = 0; i < AssetApiIntegrationTest.RATE_LIMIT - 1; i++) {
                assertThat(limiter.tryAcquire(license)).isTrue();
            }
            assertThat(otherInstance.tryAcquire(license)).isTrue();
            assertThat(otherInstance.tryAcquire(license)).isFalse();
            assertThat(limiter.tryAcquire(license)).isFalse();
            assertThat(connection.sync().keys("dsp:rate:" + RedisRateLimiter.hash(license) + ":*"))
                    .singleElement()
                    .satisfies(key -> assertThat(connection.sync().pttl(key)).isPositive());
            assertThat(connection.sync().keys("*" + license + "*")).isEmpty();
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
