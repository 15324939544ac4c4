package io.dsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class MutableClockTest {

    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

    @Test
    void standsStillUntilTheTestMovesIt() {
        MutableClock clock = MutableClock.at(T0);

        assertThat(clock.instant()).isEqualTo(T0);
        assertThat(clock.millis()).isEqualTo(T0.toEpochMilli());
        clock.advance(Duration.ofSeconds(42));
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(42));
        clock.set(T0.minusSeconds(1));
        assertThat(clock.instant()).isEqualTo(T0.minusSeconds(1));
    }

    @Test
    void aClockForAnotherZoneIsTheSameClock() {
        MutableClock clock = MutableClock.at(T0);

        assertThat(clock.withZone(ZoneId.of("Asia/Shanghai"))).isSameAs(clock);
    }
}
