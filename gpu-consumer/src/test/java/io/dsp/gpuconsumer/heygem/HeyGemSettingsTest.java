package io.dsp.gpuconsumer.heygem;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

class HeyGemSettingsTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(BindSettings.class);

    @Test
    void defaultsApplyWhenNothingIsSet() {
        runner.run(context -> assertThat(context.getBean(HeyGemSettings.class))
                .isEqualTo(new HeyGemSettings(
                        HeyGemSettings.Engine.SIMULATED,
                        new HeyGemSettings.Simulated(Duration.ofSeconds(10), 10, 0.0, DataSize.ofBytes(0)),
                        new HeyGemSettings.Http(
                                URI.create("http://127.0.0.1:8383"),
                                "",
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(30),
                                Duration.ofMinutes(30)))));
    }

    @Test
    void bindsEveryFieldFromKebabCaseProperties() {
        runner.withPropertyValues(
                        "dsp.gpu-consumer.heygem.engine=http",
                        "dsp.gpu-consumer.heygem.simulated.duration=3s",
                        "dsp.gpu-consumer.heygem.simulated.progress-steps=6",
                        "dsp.gpu-consumer.heygem.simulated.failure-rate=0.25",
                        "dsp.gpu-consumer.heygem.simulated.result-size=256KB",
                        "dsp.gpu-consumer.heygem.http.base-url=http://gpu-7:8383",
                        "dsp.gpu-consumer.heygem.http.api-secret=s3cret",
                        "dsp.gpu-consumer.heygem.http.poll-interval=1s",
                        "dsp.gpu-consumer.heygem.http.request-timeout=5s",
                        "dsp.gpu-consumer.heygem.http.task-timeout=1h")
                .run(context -> assertThat(context.getBean(HeyGemSettings.class))
                        .isEqualTo(new HeyGemSettings(
                                HeyGemSettings.Engine.HTTP,
                                new HeyGemSettings.Simulated(Duration.ofSeconds(3), 6, 0.25, DataSize.ofKilobytes(256)),
                                new HeyGemSettings.Http(
                                        URI.create("http://gpu-7:8383"),
                                        "s3cret",
                                        Duration.ofSeconds(1),
                                        Duration.ofSeconds(5),
                                        Duration.ofHours(1)))));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "simulated.failure-rate, 1.5, must be less than or equal to 1.0",
        "simulated.failure-rate, -0.1, must be greater than or equal to 0.0",
        "simulated.progress-steps, 0, must be greater than or equal to 1",
        "simulated.progress-steps, 101, must be less than or equal to 100"
    })
    void refusesToStartWithAnOutOfRangeValue(String field, String value, String message) {
        runner.withPropertyValues("dsp.gpu-consumer.heygem." + field + "=" + value)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .isInstanceOf(BindValidationException.class)
                            .hasMessageContaining(message);
                });
    }

    /** Not a {@code @Configuration}: the application's component scan must not pick it up. */
    @EnableConfigurationProperties(HeyGemSettings.class)
    static class BindSettings {}
}
