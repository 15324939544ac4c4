package io.dsp.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class RelaySettingsTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(BindSettings.class);

    @Test
    void defaultsAreTheDocumentedOnesAndNonsenseIsRefused() {
        runner.run(context -> {
            RelaySettings settings = context.getBean(RelaySettings.class);
            assertThat(settings.deviceAnswerTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(settings.remembered()).isEqualTo(20_000);
            assertThat(settings.aliveInterval()).isEqualTo(Duration.ofSeconds(5));
        });
        runner.withPropertyValues("dsp.gateway.relay.remembered=5")
                .run(context -> assertThat(context).hasFailed());
    }

    @EnableConfigurationProperties(RelaySettings.class)
    static class BindSettings {}
}
