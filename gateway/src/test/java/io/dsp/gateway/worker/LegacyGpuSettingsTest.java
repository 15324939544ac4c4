package io.dsp.gateway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class LegacyGpuSettingsTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(BindSettings.class);

    @Test
    void aWorkersGpuIsOnItsRemoteAddressAtTheServersDefaultPortWithNoSecret() {
        runner.run(context -> {
            LegacyGpuSettings settings = context.getBean(LegacyGpuSettings.class);
            assertThat(settings.baseUrl("10.0.0.5")).isEqualTo(URI.create("http://10.0.0.5:8383"));
            assertThat(settings.baseUrl("::1")).isEqualTo(URI.create("http://[::1]:8383"));
            assertThat(settings.secret()).isEmpty();
            assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(2));
            assertThat(settings.assetApiUrl()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        });
    }

    @Test
    void aWorkerNamedByItsAddressUsesItsOwnBaseUrl() {
        runner.withPropertyValues(
                        "dsp.gateway.legacy-gpu.port=9000",
                        "dsp.gateway.legacy-gpu.servers.[10.0.0.7]=http://gpu7.lan:8400")
                .run(context -> {
                    LegacyGpuSettings settings = context.getBean(LegacyGpuSettings.class);
                    assertThat(settings.baseUrl("10.0.0.7")).isEqualTo(URI.create("http://gpu7.lan:8400"));
                    assertThat(settings.baseUrl("10.0.0.8")).isEqualTo(URI.create("http://10.0.0.8:9000"));
                });
    }

    @Test
    void theSecretComesFromAFileWhenNotSetAndIsNeverPrinted(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "s3cr3t\n");
        runner.withPropertyValues("dsp.gateway.legacy-gpu.api-secret-file=" + file)
                .run(context -> {
                    LegacyGpuSettings settings = context.getBean(LegacyGpuSettings.class);
                    assertThat(settings.secret()).isEqualTo("s3cr3t");
                });
        runner.withPropertyValues("dsp.gateway.legacy-gpu.api-secret=inline").run(context -> {
            LegacyGpuSettings settings = context.getBean(LegacyGpuSettings.class);
            assertThat(settings.secret()).isEqualTo("inline");
            assertThat(settings.toString()).doesNotContain("inline");
        });
    }

    @Test
    void anImpossiblePortIsRefusedAtStart() {
        runner.withPropertyValues("dsp.gateway.legacy-gpu.port=0")
                .run(context -> assertThat(context).hasFailed());
    }

    @EnableConfigurationProperties(LegacyGpuSettings.class)
    static class BindSettings {}
}
