package io.dsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

/** A service's actuator health as the tests read it: overall, per component, and the Redis-outage state (ADR 022). */
public final class Health {

    private Health() {}

    /** The status of one health component ({@code redis}, {@code kafka}...), or an empty string. */
    public static String component(String baseUrl, String component) {
        return ApiClient.anonymous(baseUrl)
                .get("/actuator/health")
                .body()
                .path("components")
                .path(component)
                .path("status")
                .asString("");
    }

    /**
     * Waits until the service answers UP and ready while its Redis shows DEGRADED: a service whose Redis is out keeps
     * serving (ADR 022).
     */
    public static void awaitUpWithRedisDegraded(String baseUrl) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ApiClient.Answer health = ApiClient.anonymous(baseUrl).get("/actuator/health");
            assertThat(health.status()).as(health.body().toString()).isEqualTo(200);
            assertThat(health.body().path("status").asString()).isEqualTo("UP");
            assertThat(health.body()
                            .path("components")
                            .path("redis")
                            .path("status")
                            .asString())
                    .isEqualTo("DEGRADED");
        });
        assertThat(ApiClient.anonymous(baseUrl)
                        .get("/actuator/health/readiness")
                        .status())
                .isEqualTo(200);
    }
}
