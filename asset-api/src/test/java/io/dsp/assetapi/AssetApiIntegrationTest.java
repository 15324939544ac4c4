package io.dsp.assetapi;

import io.dsp.testkit.DspIntegrationTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * asset-api on a random port against the real test broker; its configuration comes from asset-api.yml. Every
 * integration test shares this one context (one Kafka Streams instance per JVM), so the test settings live here, and
 * the free-space probe is one a test can script ({@link ScriptedFreeSpace}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@DspIntegrationTest
@Import(ScriptedFreeSpace.class)
@TestPropertySource(
        properties = {
            "spring.config.name=asset-api",
            "dsp.asset-api.admin-token=" + AssetApiIntegrationTest.ADMIN_TOKEN,
            "dsp.fleet.token=" + AssetApiIntegrationTest.FLEET_TOKEN,
            "dsp.asset-api.blobs.max-file-size=" + AssetApiIntegrationTest.MAX_FILE_KB + "KB",
            "dsp.asset-api.limits.requests-per-window=" + AssetApiIntegrationTest.RATE_LIMIT,
            "dsp.asset-api.limits.window=1h",
            "dsp.asset-api.tasks.generic-types=echo_test,estimate_test",
            "dsp.asset-api.limits.high-per-window=" + AssetApiIntegrationTest.HIGH_LIMIT,
            // One boot request per hour: the boot test sees exactly what its own calls did.
            "dsp.asset-api.boot.min-interval=1h",
            // Sweeps run when a test calls them, so what each removes is the test's own doing.
            "dsp.asset-api.retention.enabled=false",
            "dsp.results.links.secret=" + AssetApiIntegrationTest.LINK_SECRET
        })
public @interface AssetApiIntegrationTest {

    String ADMIN_TOKEN = "test-admin-token";
    String FLEET_TOKEN = "test-fleet-token";
    String LINK_SECRET = "test-link-secret";
    int MAX_FILE_KB = 64;
    /** Per license per hour: far above what one test sends, so only the rate-limit tests reach it. */
    int RATE_LIMIT = 100;
    /** High-priority submissions per license per hour. */
    int HIGH_LIMIT = 3;
}
