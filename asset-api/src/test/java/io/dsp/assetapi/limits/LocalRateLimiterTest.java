package io.dsp.assetapi.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {

    private static final LimitSettings THREE_PER_MINUTE =
            new LimitSettings(3, Duration.ofMinutes(1), null, Duration.ofHours(2), 2);

    @Test
    void aLicenseGetsItsRatePerWindowAndANewWindowStartsAfresh() {
        Instant start = Instant.parse("2026-11-29T12:00:00Z");
        AtomicReference<Instant> now = new AtomicReference<>(start);
        LocalRateLimiter limiter = new LocalRateLimiter(THREE_PER_MINUTE, new Clock() {
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
        });
        assertThat(limiter.tryAcquire("A")).isTrue();
        assertThat(limiter.tryAcquire("A")).isTrue();
        assertThat(limiter.tryAcquire("A")).isTrue();
        assertThat(limiter.tryAcquire("A")).isFalse();
        assertThat(limiter.tryAcquire("B")).isTrue();

        now.set(start.plusSeconds(60));
        assertThat(limiter.tryAcquire("A")).isTrue();
    }

    @Test
    void aScopedLimitIsCountedApartFromThePlainOne() {
        LocalRateLimiter limiter = new LocalRateLimiter(THREE_PER_MINUTE, Clock.systemUTC());

        assertThat(limiter.tryAcquire("high", "A", 2)).isTrue();
        assertThat(limiter.tryAcquire("high", "A", 2)).isTrue();
        assertThat(limiter.tryAcquire("high", "A", 2)).isFalse();
        assertThat(limiter.tryAcquire("A")).isTrue();
        assertThat(limiter.tryAcquire("high", "B", 2)).isTrue();
    }
}
