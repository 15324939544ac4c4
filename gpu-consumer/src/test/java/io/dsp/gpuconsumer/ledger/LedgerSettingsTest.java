package io.dsp.gpuconsumer.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class LedgerSettingsTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(BindSettings.class);

    @Test
    void defaultsApplyWhenNothingIsSet() {
        runner.run(context -> assertThat(context.getBean(LedgerSettings.class))
                .isEqualTo(new LedgerSettings(Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(10))));
    }

    @Test
    void bindsEveryFieldFromKebabCaseProperties() {
        runner.withPropertyValues(
                        "dsp.gpu-consumer.ledger.startup-timeout=90s",
                        "dsp.gpu-consumer.ledger.catch-up-timeout=2s",
                        "dsp.gpu-consumer.ledger.open-attempt-wait=3s")
                .run(context -> assertThat(context.getBean(LedgerSettings.class))
                        .isEqualTo(new LedgerSettings(
                                Duration.ofSeconds(90), Duration.ofSeconds(2), Duration.ofSeconds(3))));
    }

    @Test
    void refusesToStartWithATimeoutThatIsNoDuration() {
        runner.withPropertyValues("dsp.gpu-consumer.ledger.catch-up-timeout=soon")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasCauseInstanceOf(BindException.class);
                    BindException failure =
                            (BindException) context.getStartupFailure().getCause();
                    assertThat(failure.getProperty().getName().toString())
                            .isEqualTo("dsp.gpu-consumer.ledger.catch-up-timeout");
                    assertThat(failure.getProperty().getValue()).isEqualTo("soon");
                });
    }

    /** Not a {@code @Configuration}: the application's component scan must not pick it up. */
    @EnableConfigurationProperties(LedgerSettings.class)
    static class BindSettings {}
}
