package io.dsp.assetapi.heygem;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThrottleTest {

    @Test
    void letsOneCallThroughPerIntervalAndAgainAfterARelease() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-29T08:00:00Z"));
        Throttle throttle = new Throttle(clock(now), Duration.ofSeconds(30));

        assertThat(throttle.tryPass()).isTrue();
        now.set(now.get().plusSeconds(29));
        assertThat(throttle.tryPass()).isFalse();
        now.set(now.get().plusSeconds(1));
        assertThat(throttle.tryPass()).isTrue();
        assertThat(throttle.tryPass()).isFalse();
        throttle.release();
        assertThat(throttle.tryPass()).isTrue();
    }

    static Clock clock(AtomicReference<Instant> now) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
    }
}
