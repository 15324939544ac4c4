package io.dsp.gpuconsumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.topic.Groups;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class WorkerSettingsTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(BindSettings.class);

    @Test
    void defaultsApplyWhenNothingIsSet() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            WorkerSettings settings = context.getBean(WorkerSettings.class);
            assertThat(settings.workerId()).isEmpty();
            assertThat(settings.maxConcurrent()).isEqualTo(3);
            assertThat(settings.deliveryCountLimit()).isEqualTo(5);
            assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
            assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
            assertThat(settings.pollTimeout()).isEqualTo(Duration.ofMillis(100));
            assertThat(settings.retryBackoff()).isEqualTo(Duration.ofSeconds(1));
            assertThat(settings.retryBackoffMax()).isEqualTo(Duration.ofSeconds(30));
            assertThat(settings.quarantineAfter()).isEqualTo(2);
            assertThat(settings.progressInterval()).isEqualTo(Duration.ofSeconds(2));
            assertThat(settings.assetApiUrl()).isEqualTo(URI.create("http://127.0.0.1:8080"));
            assertThat(settings.fetchMaxWait()).isEqualTo(Duration.ofMillis(Groups.SLOT_FETCH_MAX_WAIT_MS));
        });
    }

    @Test
    void bindsEveryFieldFromKebabCaseProperties() {
        runner.withPropertyValues(
                        "dsp.gpu-consumer.worker-id=gpu-7",
                        "dsp.gpu-consumer.max-concurrent=8",
                        "dsp.gpu-consumer.delivery-count-limit=10",
                        "dsp.gpu-consumer.heartbeat-interval=2s",
                        "dsp.gpu-consumer.shutdown-timeout=1m",
                        "dsp.gpu-consumer.poll-timeout=50ms",
                        "dsp.gpu-consumer.retry-backoff=250ms",
                        "dsp.gpu-consumer.retry-backoff-max=4s",
                        "dsp.gpu-consumer.quarantine-after=3",
                        "dsp.gpu-consumer.progress-interval=500ms",
                        "dsp.gpu-consumer.asset-api-url=http://assets.internal:9000",
                        "dsp.gpu-consumer.fetch-max-wait=20ms")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(WorkerSettings.class))
                            .isEqualTo(new WorkerSettings(
                                    "gpu-7",
                                    8,
                                    10,
                                    Duration.ofSeconds(2),
                                    Duration.ofMinutes(1),
                                    Duration.ofMillis(50),
                                    Duration.ofMillis(250),
                                    Duration.ofSeconds(4),
                                    3,
                                    Duration.ofMillis(500),
                                    URI.create("http://assets.internal:9000"),
                                    Duration.ofMillis(20)));
                });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "max-concurrent, 0, must be greater than or equal to 1",
        "max-concurrent, 65, must be less than or equal to 64",
        "delivery-count-limit, 1, must be greater than or equal to 2",
        "delivery-count-limit, 11, must be less than or equal to 10",
        "quarantine-after, 0, must be greater than or equal to 1",
        "quarantine-after, 10, must be less than or equal to 9",
        "fetch-max-wait, 0ms, must be longer than or equal to",
        "fetch-max-wait, 501ms, must be shorter than or equal to"
    })
    void refusesToStartWithAnOutOfRangeValue(String field, String value, String message) {
        runner.withPropertyValues("dsp.gpu-consumer." + field + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(BindValidationException.class)
                    .hasMessageContaining("\"dsp.gpu-consumer." + field + "\"")
                    .hasMessageContaining(message);
        });
    }

    /** Not a {@code @Configuration}: the application's component scan must not pick it up. */
    @EnableConfigurationProperties(WorkerSettings.class)
    static class BindSettings {}
}
