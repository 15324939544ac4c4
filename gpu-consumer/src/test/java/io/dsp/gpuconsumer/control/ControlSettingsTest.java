package io.dsp.gpuconsumer.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ControlSettingsTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(BindSettings.class);

    @Test
    void defaultsApplyWhenNothingIsSet() {
        runner.run(context -> assertThat(context.getBean(ControlSettings.class))
                .isEqualTo(new ControlSettings(Duration.ofHours(2), Duration.ofSeconds(30))));
    }

    @Test
    void bindsEveryFieldFromKebabCaseProperties() {
        runner.withPropertyValues(
                        "dsp.gpu-consumer.control.cancel-memory=45m", "dsp.gpu-consumer.control.startup-timeout=5s")
                .run(context -> assertThat(context.getBean(ControlSettings.class))
                        .isEqualTo(new ControlSettings(Duration.ofMinutes(45), Duration.ofSeconds(5))));
    }

    @Test
    void refusesToStartWithAValueThatIsNoDuration() {
        runner.withPropertyValues("dsp.gpu-consumer.control.cancel-memory=long")
                .run(context -> assertThat(context).hasFailed());
    }

    /** Not a {@code @Configuration}: the application's component scan must not pick it up. */
    @EnableConfigurationProperties(ControlSettings.class)
    static class BindSettings {}
}
