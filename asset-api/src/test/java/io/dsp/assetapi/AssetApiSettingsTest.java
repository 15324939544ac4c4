package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.assetapi.asset.AssetSettings;
import io.dsp.assetapi.blob.BlobSettings;
import io.dsp.assetapi.fleet.FleetSettings;
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
                        "dsp.fleet.token=fleet")
                .run(context -> {
                    AssetApiSettings settings = context.getBean(AssetApiSettings.class);
                    assertThat(settings.nodeId()).isEqualTo("edge-7");
                    assertThat(settings.sendTimeout()).isEqualTo(Duration.ofMillis(250));
                    assertThat(settings.adminToken()).isEqualTo("adm");
                    assertThat(context.getBean(AssetSettings.class).ttl()).isEqualTo(Duration.ofDays(7));
                    assertThat(context.getBean(BlobSettings.class).maxFileSize())
                            .isEqualTo(DataSize.ofMegabytes(2));
                    assertThat(context.getBean(FleetSettings.class).token()).isEqualTo("fleet");
                });
    }

    @Test
    void aBlankNodeIdStopsStartupWithAMessage() {
        runner.withPropertyValues("dsp.asset-api.node-id= ")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("nodeId"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({AssetApiSettings.class, AssetSettings.class, BlobSettings.class, FleetSettings.class
    })
    static class Enable {}
}
