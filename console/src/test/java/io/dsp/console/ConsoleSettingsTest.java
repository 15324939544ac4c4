package io.dsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ConsoleSettingsTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(BindSettings.class);

    @Test
    void defaultsApplyWhenNothingIsSet() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            ConsoleSettings settings = context.getBean(ConsoleSettings.class);
            assertThat(settings.adminToken()).isNull();
            assertThat(settings.tokenRequired()).isFalse();
            assertThat(settings.recentTasks()).isEqualTo(200);
            assertThat(settings.stepsPerTask()).isEqualTo(40);
            assertThat(settings.deadLetters()).isEqualTo(100);
            assertThat(settings.lookbackRecords()).isEqualTo(20_000);
            assertThat(settings.goneWorkersShownFor()).isEqualTo(Duration.ofHours(1));
            assertThat(settings.pushInterval()).isEqualTo(Duration.ofMillis(500));
            assertThat(settings.maxLiveClients()).isEqualTo(50);
        });
    }

    @Test
    void bindsEveryFieldFromKebabCaseProperties() {
        runner.withPropertyValues(
                        "dsp.console.admin-token=s3cret",
                        "dsp.console.recent-tasks=20",
                        "dsp.console.steps-per-task=5",
                        "dsp.console.dead-letters=7",
                        "dsp.console.lookback-records=1000",
                        "dsp.console.gone-workers-shown-for=5m",
                        "dsp.console.push-interval=250ms",
                        "dsp.console.max-live-clients=3")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ConsoleSettings settings = context.getBean(ConsoleSettings.class);
                    assertThat(settings)
                            .isEqualTo(new ConsoleSettings(
                                    "s3cret", 20, 5, 7, 1000, Duration.ofMinutes(5), Duration.ofMillis(250), 3));
                    assertThat(settings.tokenRequired()).isTrue();
                });
    }

    @Test
    void aBlankTokenGuardsNothing() {
        runner.withPropertyValues("dsp.console.admin-token=  ")
                .run(context -> assertThat(
                                context.getBean(ConsoleSettings.class).tokenRequired())
                        .isFalse());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "recent-tasks, 0",
        "recent-tasks, 5001",
        "steps-per-task, 1",
        "dead-letters, 0",
        "lookback-records, 0",
        "max-live-clients, 0"
    })
    void refusesToStartWithAnOutOfRangeValue(String field, String value) {
        runner.withPropertyValues("dsp.console." + field + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("dsp.console." + field);
        });
    }

    @Test
    void refusesAPushIntervalBelowATenthOfASecondWithASentence() {
        runner.withPropertyValues("dsp.console.push-interval=20ms").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessage("dsp.console.push-interval must be at least 100ms (it was 20ms)");
        });
    }

    @EnableConfigurationProperties(ConsoleSettings.class)
    static class BindSettings {}
}
