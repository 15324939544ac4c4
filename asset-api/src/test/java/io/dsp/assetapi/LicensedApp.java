package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Licenses;
import java.time.Duration;

/** A legacy app with a freshly provisioned active license, returned once asset-api's read model knows the license. */
final class LicensedApp {

    private LicensedApp() {}

    static ApiClient provision(String baseUrl, String licenseKey) {
        Licenses.provisionActive(licenseKey);
        ApiClient app = ApiClient.forLicense(baseUrl, licenseKey, "m1");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(app.get("/api/asset/list").code()).isZero());
        // and the partitioned stores (task lives, in-flight caps) answer, which they do later than the global ones
        // while the context is young
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(app.get("/api/v1/tasks/none").status()).isEqualTo(404));
        return app;
    }
}
