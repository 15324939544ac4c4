package io.dsp.assetapi.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.assetapi.blob.BlobSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

class RetentionSettingsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Enable.class);

    @Test
    void theGpuServersLifetimesApplyWhenNothingIsSet() {
        runner.run(context -> {
            RetentionSettings retention = context.getBean(RetentionSettings.class);
            assertThat(retention.enabled()).isTrue();
            assertThat(retention.stagedTtl()).isEqualTo(Duration.ofHours(24));
            assertThat(retention.sweepInterval()).isEqualTo(Duration.ofHours(1));
            BlobSettings blobs = context.getBean(BlobSettings.class);
            assertThat(blobs.minFreeSpace()).isEqualTo(DataSize.ofGigabytes(1));
            assertThat(blobs.deleteGrace()).isEqualTo(Duration.ofMinutes(10));
        });
    }

    @Test
    void everyFieldBinds() {
        runner.withPropertyValues(
                        "dsp.asset-api.retention.enabled=false",
                        "dsp.asset-api.retention.staged-ttl=2h",
                        "dsp.asset-api.retention.sweep-interval=5m",
                        "dsp.asset-api.blobs.min-free-space=5GB",
                        "dsp.asset-api.blobs.delete-grace=1m")
                .run(context -> {
                    RetentionSettings retention = context.getBean(RetentionSettings.class);
                    assertThat(retention.enabled()).isFalse();
                    assertThat(retention.stagedTtl()).isEqualTo(Duration.ofHours(2));
                    assertThat(retention.sweepInterval()).isEqualTo(Duration.ofMinutes(5));
                    BlobSettings blobs = context.getBean(BlobSettings.class);
                    assertThat(blobs.minFreeSpace()).isEqualTo(DataSize.ofGigabytes(5));
                    assertThat(blobs.deleteGrace()).isEqualTo(Duration.ofMinutes(1));
                });
    }

    @Test
    void aStagedTtlUnderAMinuteStopsStartupWithAMessage() {
        runner.withPropertyValues("dsp.asset-api.retention.staged-ttl=10s")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("stagedTtl"));
    }

    @Test
    void aZeroSweepIntervalStopsStartupWithAMessage() {
        runner.withPropertyValues("dsp.asset-api.retention.sweep-interval=0s")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("sweepInterval"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({RetentionSettings.class, BlobSettings.class})
    static class Enable {}
}
