package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.assetapi.asset.AssetSettings;
import io.dsp.assetapi.blob.BlobSettings;
import io.dsp.assetapi.fleet.FleetSettings;
import io.dsp.assetapi.limits.LimitSettings;
import io.dsp.assetapi.task.TaskApiSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

class AssetApiSettingsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Enable.class);

    @Test
    void defaultsApplyWhenNothingIsSet() {
        runner.run(context -> {
            AssetApiSettings settings = context.getBean(AssetApiSettings.class);
            assertThat(settings.nodeId()).isEqualTo("asset-api");
            assertThat(settings.sendTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(settings.adminToken()).isNull();
            assertThat(context.getBean(AssetSettings.class).ttl()).isEqualTo(Duration.ofDays(30));
            assertThat(context.getBean(BlobSettings.class).maxFileSize()).isEqualTo(DataSize.ofMegabytes(500));
            assertThat(context.getBean(FleetSettings.class).configured()).isFalse();
            LimitSettings limits = context.getBean(LimitSettings.class);
            assertThat(limits.requestsPerWindow()).isEqualTo(60);
            assertThat(limits.window()).isEqualTo(Duration.ofMinutes(1));
            assertThat(limits.capOf("heygem_submit")).isEqualTo(1);
            assertThat(limits.capOf("delete_asset")).isZero();
            assertThat(limits.inFlightExpiry()).isEqualTo(Duration.ofHours(2));
            TaskApiSettings tasks = context.getBean(TaskApiSettings.class);
            assertThat(tasks.genericTypes()).isEmpty();
            assertThat(tasks.maxBodySize()).isEqualTo(DataSize.ofKilobytes(64));
        });
    }

    @Test
    void everyFieldBinds() {
        runner.withPropertyValues(
                        "dsp.asset-api.node-id=edge-7",
                        "dsp.asset-api.send-timeout=250ms",
                        "dsp.asset-api.admin-token=adm",
                        "dsp.asset-api.assets.ttl=7d",
                        "dsp.asset-api.blobs.max-file-size=2MB",
                        "dsp.fleet.token=fleet",
                        "dsp.asset-api.limits.requests-per-window=5",
                        "dsp.asset-api.limits.window=10s",
                        "dsp.asset-api.limits.in-flight[heygem_submit]=2",
                        "dsp.asset-api.limits.in-flight[delete_asset]=3",
                        "dsp.asset-api.limits.in-flight-expiry=10m",
                        "dsp.asset-api.tasks.generic-types=a_b,c",
                        "dsp.asset-api.tasks.max-body-size=1KB")
                .run(context -> {
                    AssetApiSettings settings = context.getBean(AssetApiSettings.class);
                    assertThat(settings.nodeId()).isEqualTo("edge-7");
                    assertThat(settings.sendTimeout()).isEqualTo(Duration.ofMillis(250));
                    assertThat(settings.adminToken()).isEqualTo("adm");
                    assertThat(context.getBean(AssetSettings.class).ttl()).isEqualTo(Duration.ofDays(7));
                    assertThat(context.getBean(BlobSettings.class).maxFileSize())
                            .isEqualTo(DataSize.ofMegabytes(2));
                    assertThat(context.getBean(FleetSettings.class).token()).isEqualTo("fleet");
                    LimitSettings limits = context.getBean(LimitSettings.class);
                    assertThat(limits.requestsPerWindow()).isEqualTo(5);
                    assertThat(limits.window()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(limits.capOf("heygem_submit")).isEqualTo(2);
                    assertThat(limits.capOf("delete_asset")).isEqualTo(3);
                    assertThat(limits.inFlightExpiry()).isEqualTo(Duration.ofMinutes(10));
                    TaskApiSettings tasks = context.getBean(TaskApiSettings.class);
                    assertThat(tasks.genericTypes()).containsExactlyInAnyOrder("a_b", "c");
                    assertThat(tasks.maxBodySize()).isEqualTo(DataSize.ofKilobytes(1));
                });
    }

    @Test
    void aBlankNodeIdStopsStartupWithAMessage() {
        runner.withPropertyValues("dsp.asset-api.node-id= ")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("nodeId"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({
        AssetApiSettings.class,
        AssetSettings.class,
        BlobSettings.class,
        FleetSettings.class,
        LimitSettings.class,
        TaskApiSettings.class
    })
    static class Enable {}
}
