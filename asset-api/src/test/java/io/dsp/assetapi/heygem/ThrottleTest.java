package io.dsp.assetapi.heygem;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ThrottleTest {

    @Test
    void letsOneCallThroughPerIntervalAndAgainAfterARelease() {
        MutableClock clock = MutableClock.at(Instant.parse("2026-11-29T08:00:00Z"));
        Throttle throttle = new Throttle(clock, Duration.ofSeconds(30));

        assertThat(throttle.tryPass()).isTrue();
        clock.advance(Duration.ofSeconds(29));
        assertThat(throttle.tryPass()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.tryPass()).isTrue();
        assertThat(throttle.tryPass()).isFalse();
        throttle.release();
        assertThat(throttle.tryPass()).isTrue();
    }
}
