package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Licenses;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@AssetApiIntegrationTest
class LicenseAdminIT {

    @LocalServerPort
    int port;

    ApiClient admin;

    @BeforeEach
    void waitForTheReadModels() {
        admin = ApiClient.anonymous(base())
                .withHeader("Authorization", "Bearer " + AssetApiIntegrationTest.ADMIN_TOKEN);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(
                                admin.get("/admin/v1/licenses/no-such-license").status())
                        .isEqualTo(404));
    }

    @Test
    void aCreatedLicenseWorksAndADisabledOneIsRefusedWithTheLegacyMessage() {
        String key = "adm-" + UUID.randomUUID().toString().substring(0, 8);

        ApiClient.Answer created =
                admin.postJson("/admin/v1/licenses", "{\"license_key\":\"" + key + "\",\"label\":\"客户A\"}");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.data().path("status").asString()).isEqualTo("active");
        ApiClient app = ApiClient.forLicense(base(), key, "m1");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(app.get("/api/asset/list").code()).isZero());
        assertThat(admin.postJson("/admin/v1/licenses", "{\"license_key\":\"" + key + "\"}")
                        .status())
                .isEqualTo(409);

        assertThat(admin.postJson("/admin/v1/licenses/" + key + "/disable", "").status())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(app.get("/api/asset/list").msg()).isEqualTo("卡密已禁用"));
    }

    @Test
    void theValidityWindowAndStatusAreEnforcedWithTheLegacyMessages() {
        String key = "win-" + UUID.randomUUID().toString().substring(0, 8);
        Instant tomorrow = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        admin.postJson("/admin/v1/licenses", "{\"license_key\":\"" + key + "\",\"valid_from\":\"" + tomorrow + "\"}");
        ApiClient app = ApiClient.forLicense(base(), key, "m1");

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(app.get("/api/asset/list").msg()).isEqualTo("卡密尚未生效"));

        Instant lastYear = Instant.now().minus(Duration.ofDays(365)).truncatedTo(ChronoUnit.SECONDS);
        ApiClient.Answer moved =
                put(key, "{\"valid_from\":\"" + lastYear + "\",\"valid_until\":\"" + lastYear.plusSeconds(60) + "\"}");
        assertThat(moved.code()).as(moved.body().toString()).isZero();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(app.get("/api/asset/list").msg()).isEqualTo("卡密已过期"));

        ApiClient.Answer inverted =
                put(key, "{\"valid_from\":\"" + tomorrow + "\",\"valid_until\":\"" + lastYear + "\"}");
        assertThat(inverted.status()).isEqualTo(400);
        assertThat(inverted.msg()).isEqualTo("valid_until 必须晚于 valid_from");
        assertThat(put(key, "{\"status\":\"frozen\"}").status()).isEqualTo(400);
        assertThat(put("never-created-" + UUID.randomUUID(), "{\"status\":\"active\"}")
                        .status())
                .isEqualTo(404);
        assertThat(admin.postJson("/admin/v1/licenses", "{\"license_key\":\"a b\"}")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void theFirstMachineIsBoundPerDeviceTypeAndAnotherIsRefusedUntilUnbound() {
        String key = "bind-" + UUID.randomUUID();
        Licenses.provisionActive(key);
        ApiClient first = ApiClient.forLicense(base(), key, "machine-A");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(first.get("/api/asset/list").code()).isZero());

        ApiClient.Answer second = ApiClient.forLicense(base(), key, "machine-B").get("/api/asset/list");
        assertThat(second.code()).isEqualTo(1);
        assertThat(second.msg()).isEqualTo("该卡密的电脑端已绑定其他设备");
        ApiClient phone = ApiClient.forLicense(base(), key, "phone-1").withHeader("X-Device-Type", "mobile");
        assertThat(phone.get("/api/asset/list").code()).isZero();
        ApiClient otherPhone = ApiClient.forLicense(base(), key, "phone-2").withHeader("X-Device-Type", "mobile");
        assertThat(otherPhone.get("/api/asset/list").msg()).isEqualTo("该卡密的手机端已绑定其他设备");
        assertThat(first.get("/api/asset/list").code()).isZero();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(admin.get("/admin/v1/licenses/" + key)
                                .data()
                                .path("devices")
                                .path("pc")
                                .asString())
                        .isEqualTo("machine-A"));

        assertThat(Http.send(java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(base() + "/admin/v1/licenses/" + key + "/devices/pc"))
                                .header("Authorization", "Bearer " + AssetApiIntegrationTest.ADMIN_TOKEN)
                                .DELETE())
                        .code())
                .isZero();

        ApiClient replacement = ApiClient.forLicense(base(), key, "machine-B");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(replacement.get("/api/asset/list").code()).isZero());
        assertThat(first.get("/api/asset/list").msg()).isEqualTo("该卡密的电脑端已绑定其他设备");
    }

    @Test
    void adminCallsWithoutTheAdminTokenAreRefusedAndChangeNothing() {
        String key = "noadm-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient anonymous = ApiClient.anonymous(base());
        ApiClient.Answer none = anonymous.postJson("/admin/v1/licenses", "{\"license_key\":\"" + key + "\"}");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.msg()).isEqualTo("鉴权失败");
        assertThat(anonymous
                        .withHeader("Authorization", "Bearer wrong")
                        .postJson("/admin/v1/licenses", "{\"license_key\":\"" + key + "\"}")
                        .status())
                .isEqualTo(401);
        // A license key is not an admin token either.
        Licenses.provisionActive(key + "-lic");
        assertThat(ApiClient.forLicense(base(), key + "-lic", "m")
                        .postJson("/admin/v1/licenses", "{\"license_key\":\"" + key + "\"}")
                        .status())
                .isEqualTo(401);

        assertThat(admin.get("/admin/v1/licenses/" + key).status()).isEqualTo(404);
    }

    private ApiClient.Answer put(String key, String body) {
        return Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/admin/v1/licenses/" + key))
                .header("Authorization", "Bearer " + AssetApiIntegrationTest.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
