package io.dsp.gpuconsumer.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.gpuconsumer.execution.TaskDeadlines;
import java.time.Duration;
import java.util.Map;
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
                .isEqualTo(new LedgerSettings(
                        Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofHours(24))));
    }

    @Test
    void bindsEveryFieldFromKebabCaseProperties() {
        runner.withPropertyValues(
                        "dsp.gpu-consumer.ledger.startup-timeout=90s",
                        "dsp.gpu-consumer.ledger.catch-up-timeout=2s",
                        "dsp.gpu-consumer.ledger.open-attempt-wait=3s",
                        "dsp.gpu-consumer.ledger.horizon=36h")
                .run(context -> assertThat(context.getBean(LedgerSettings.class))
                        .isEqualTo(new LedgerSettings(
                                Duration.ofSeconds(90),
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(3),
                                Duration.ofHours(36))));
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

    @Test
    void refusesToStartWithAHorizonThatIsNotPositive() {
        runner.withPropertyValues("dsp.gpu-consumer.ledger.horizon=0s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("dsp.gpu-consumer.ledger")
                    .hasMessageContaining("horizon");
        });
    }

    @Test
    void refusesAHorizonNotLongerThanTheLongestTaskDeadline() {
        TaskDeadlines deadlines = new TaskDeadlines(Duration.ofHours(1), Map.of());

        // heygem_submit's built-in deadline is 2 h
        assertThatThrownBy(() -> LedgerConfiguration.requireHorizonBeyond(Duration.ofHours(2), deadlines))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dsp.gpu-consumer.ledger.horizon")
                .hasMessageContaining("PT2H");
        LedgerConfiguration.requireHorizonBeyond(Duration.ofHours(24), deadlines);
    }

    /** Not a {@code @Configuration}: the application's component scan must not pick it up. */
    @EnableConfigurationProperties(LedgerSettings.class)
    static class BindSettings {}
}
