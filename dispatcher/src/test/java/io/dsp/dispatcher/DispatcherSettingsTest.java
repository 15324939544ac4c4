package io.dsp.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class DispatcherSettingsTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(BindSettings.class);

    @Test
    void defaultsApplyWhenNothingIsSet() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            DispatcherSettings settings = context.getBean(DispatcherSettings.class);
            assertThat(settings.prefetch()).isEqualTo(1);
            assertThat(settings.inFlightExpiry()).isEqualTo(Duration.ofHours(2));
            assertThat(settings.maxBufferedPerTenant()).isEqualTo(100);
            assertThat(settings.pollTimeout()).isEqualTo(Duration.ofMillis(100));
        });
    }

    @Test
    void bindsEveryFieldFromKebabCaseProperties() {
        runner.withPropertyValues(
                        "dsp.dispatcher.prefetch=0",
                        "dsp.dispatcher.in-flight-expiry=45m",
                        "dsp.dispatcher.max-buffered-per-tenant=7",
                        "dsp.dispatcher.poll-timeout=250ms")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(DispatcherSettings.class))
                            .isEqualTo(new DispatcherSettings(0, Duration.ofMinutes(45), 7, Duration.ofMillis(250)));
                });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"prefetch, -1", "max-buffered-per-tenant, 0", "max-buffered-per-tenant, -5"})
    void refusesToStartWithAnOutOfRangeValue(String field, String value) {
        runner.withPropertyValues("dsp.dispatcher." + field + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(BindValidationException.class)
                    .hasMessageContaining("\"dsp.dispatcher." + field + "\"")
                    .hasMessageContaining("must be greater than or equal to");
        });
    }

    @Test
    void refusesToStartWithAValueThatIsNoDuration() {
        runner.withPropertyValues("dsp.dispatcher.poll-timeout=soon").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("Failed to bind properties under 'dsp.dispatcher.poll-timeout'")
                    .rootCause()
                    .hasMessageContaining("'soon' is not a valid duration");
        });
    }

    /** Not a {@code @Configuration}: the application's component scan must not pick it up. */
    @EnableConfigurationProperties(DispatcherSettings.class)
    static class BindSettings {}
}
