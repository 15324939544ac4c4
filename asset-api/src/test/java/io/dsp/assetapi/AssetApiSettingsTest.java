package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

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
        });
    }

    @Test
    void everyFieldBinds() {
        runner.withPropertyValues("dsp.asset-api.node-id=edge-7", "dsp.asset-api.send-timeout=250ms")
                .run(context -> {
                    AssetApiSettings settings = context.getBean(AssetApiSettings.class);
                    assertThat(settings.nodeId()).isEqualTo("edge-7");
                    assertThat(settings.sendTimeout()).isEqualTo(Duration.ofMillis(250));
                });
    }

    @Test
    void aBlankNodeIdStopsStartupWithAMessage() {
        runner.withPropertyValues("dsp.asset-api.node-id= ")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("nodeId"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AssetApiSettings.class)
    static class Enable {}
}
