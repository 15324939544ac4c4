package io.dsp.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
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
            assertThat(settings.tenantInFlightCap()).isZero();
            assertThat(settings.tenantCaps()).isEmpty();
            assertThat(settings.queueFactsInterval()).isEqualTo(Duration.ofSeconds(1));
            assertThat(settings.tenantWeights()).isEmpty();
            assertThat(settings.weightOf("anyone")).isEqualTo(1);
            assertThat(settings.deliveryCountLimit()).isEqualTo(5);
        });
    }

    @Test
    void bindsEveryFieldFromKebabCaseProperties() {
        runner.withPropertyValues(
                        "dsp.dispatcher.prefetch=0",
                        "dsp.dispatcher.in-flight-expiry=45m",
                        "dsp.dispatcher.reconcile-after=90s",
                        "dsp.dispatcher.max-buffered-per-tenant=7",
                        "dsp.dispatcher.poll-timeout=250ms",
                        "dsp.dispatcher.tenant-in-flight-cap=2",
                        "dsp.dispatcher.prefetch-per-slot=0.5",
                        "dsp.dispatcher.top-up-linger=40ms",
                        "dsp.dispatcher.tenant-caps[0].license-key=PAID-1",
                        "dsp.dispatcher.tenant-caps[0].cap=5",
                        "dsp.dispatcher.queue-facts-interval=3s",
                        "dsp.dispatcher.tenant-weights[0].license-key=PAID-1",
                        "dsp.dispatcher.tenant-weights[0].weight=4",
                        "dsp.dispatcher.delivery-count-limit=7")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(DispatcherSettings.class))
                            .isEqualTo(new DispatcherSettings(
                                    0,
                                    0.5,
                                    Duration.ofMillis(40),
                                    Duration.ofMinutes(45),
                                    Duration.ofSeconds(90),
                                    7,
                                    Duration.ofMillis(250),
                                    2,
                                    List.of(new DispatcherSettings.TenantCap("PAID-1", 5)),
                                    Duration.ofSeconds(3),
                                    List.of(new DispatcherSettings.TenantWeight("PAID-1", 4)),
                                    7));
                    DispatcherSettings settings = context.getBean(DispatcherSettings.class);
                    assertThat(settings.capOf("PAID-1")).isEqualTo(5);
                    assertThat(settings.capOf("anyone-else")).isEqualTo(2);
                    assertThat(settings.weightOf("PAID-1")).isEqualTo(4);
                    assertThat(settings.weightOf("anyone-else")).isEqualTo(1);
                    assertThat(settings.weightsByTenantTopic()).containsEntry("dsp.tasks.PAID-1", 4);
                });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "prefetch, -1",
        "max-buffered-per-tenant, 0",
        "max-buffered-per-tenant, -5",
        "tenant-in-flight-cap, -1",
        "delivery-count-limit, 1"
    })
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

    @ParameterizedTest(name = "top-up-linger={0}")
    @CsvSource({"-1ms", "1001ms"})
    void refusesToStartWithATopUpLingerOutOfRange(String linger) {
        runner.withPropertyValues("dsp.dispatcher.top-up-linger=" + linger).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dsp.dispatcher.top-up-linger must be between 0 and 1000 ms");
        });
    }

    @ParameterizedTest(name = "weight {0}")
    @CsvSource({"0", "101"})
    void refusesToStartWithAWeightOutOfRange(String weight) {
        runner.withPropertyValues(
                        "dsp.dispatcher.tenant-weights[0].license-key=PAID-1",
                        "dsp.dispatcher.tenant-weights[0].weight=" + weight)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .isInstanceOf(BindValidationException.class)
                            .hasMessageContaining("tenantWeights[0].weight");
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
