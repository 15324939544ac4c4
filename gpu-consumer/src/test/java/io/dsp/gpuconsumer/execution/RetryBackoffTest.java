package io.dsp.gpuconsumer.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryBackoffTest {

    private static final Duration FIRST = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofSeconds(30);

    @ParameterizedTest(name = "after delivery {0}: {1} ms")
    @CsvSource({"1, 1000", "2, 2000", "3, 4000", "4, 8000", "5, 16000", "6, 30000", "10, 30000", "100, 30000"})
    void doublesFromTheFirstDelayUpToTheMaximum(int delivery, long millis) {
        assertThat(RetryBackoff.after(delivery, FIRST, MAX)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void neverExceedsAMaximumBelowTheFirstDelay() {
        assertThat(RetryBackoff.after(1, Duration.ofSeconds(5), Duration.ofSeconds(2)))
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void refusesADeliveryCountBelowOne() {
        assertThatThrownBy(() -> RetryBackoff.after(0, FIRST, MAX))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 0");
    }
}
