package io.dsp.core.license;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.dsp.core.license.QuotaLimiter.Quota;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class QuotaLimiterTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Instant START = Instant.parse("2026-11-29T12:00:00Z");

    private final AtomicReference<Instant> now = new AtomicReference<>(START);

    @Test
    void aLicenseGetsItsLimitPerWindowAndANewWindowStartsAfresh() {
        QuotaLimiter limiter = QuotaLimiter.local(clock());

        assertThat(limiter.tryAcquire(Quota.REQUESTS, "A", 3, MINUTE)).isTrue();
        assertThat(limiter.tryAcquire(Quota.REQUESTS, "A", 3, MINUTE)).isTrue();
        assertThat(limiter.tryAcquire(Quota.REQUESTS, "A", 3, MINUTE)).isTrue();
        assertThat(limiter.tryAcquire(Quota.REQUESTS, "A", 3, MINUTE)).isFalse();
        assertThat(limiter.tryAcquire(Quota.REQUESTS, "B", 3, MINUTE)).isTrue();

        now.set(START.plusSeconds(60));
        assertThat(limiter.tryAcquire(Quota.REQUESTS, "A", 3, MINUTE)).isTrue();
    }

    @Test
    void eachQuotaIsCountedApart() {
        QuotaLimiter limiter = QuotaLimiter.local(clock());

        assertThat(limiter.tryAcquire(Quota.HIGH_PRIORITY, "A", 2, MINUTE)).isTrue();
        assertThat(limiter.tryAcquire(Quota.HIGH_PRIORITY, "A", 2, MINUTE)).isTrue();
        assertThat(limiter.tryAcquire(Quota.HIGH_PRIORITY, "A", 2, MINUTE)).isFalse();
        assertThat(limiter.tryAcquire(Quota.REQUESTS, "A", 2, MINUTE)).isTrue();
        assertThat(limiter.tryAcquire(Quota.HIGH_PRIORITY, "B", 2, MINUTE)).isTrue();
        assertThat(limiter.tryAcquire(Quota.HIGH_PRIORITY, "A", 0, MINUTE)).isFalse();
    }

    @Test
    void redisIsAskedWithTheSharedKeyAndAnExpiryOfTwoWindows() {
        List<String> calls = new ArrayList<>();
        QuotaLimiter limiter = new QuotaLimiter(
                (script, key, argument) -> {
                    calls.add(key + " " + argument);
                    return 11L;
                },
                clock());

        assertThat(limiter.tryAcquire(Quota.HIGH_PRIORITY, "LIC-A", 10, MINUTE)).isFalse();
        long window = START.toEpochMilli() / MINUTE.toMillis();
        assertThat(calls).containsExactly("dsp:rate-high:" + LicenseKeys.hash("LIC-A") + ":" + window + " 120000");
        assertThat(Quota.REQUESTS.key("LIC-A", 7)).isEqualTo("dsp:rate:" + LicenseKeys.hash("LIC-A") + ":7");
    }

    @Test
    void whileRedisFailsTheCountsAreKeptInThisProcess() {
        QuotaLimiter limiter = new QuotaLimiter(
                (script, key, argument) -> {
                    throw new IllegalStateException("connection refused");
                },
                clock());

        assertThat(limiter.tryAcquire(Quota.HIGH_PRIORITY, "A", 1, MINUTE)).isTrue();
        assertThat(limiter.tryAcquire(Quota.HIGH_PRIORITY, "A", 1, MINUTE)).isFalse();
    }

    @Test
    void countsGoBackToRedisOnceItAnswersAgain() {
        AtomicReference<Long> redis = new AtomicReference<>();
        QuotaLimiter limiter = new QuotaLimiter(
                (script, key, argument) -> {
                    Long answer = redis.get();
                    if (answer == null) {
                        throw new IllegalStateException("connection refused");
                    }
                    return answer;
                },
                clock());

        assertThat(limiter.tryAcquire(Quota.REQUESTS, "A", 1, MINUTE)).isTrue();
        assertThat(limiter.tryAcquire(Quota.REQUESTS, "A", 1, MINUTE)).isFalse();
        redis.set(1L);
        assertThat(limiter.tryAcquire(Quota.REQUESTS, "A", 1, MINUTE)).isTrue();
        redis.set(2L);
        assertThat(limiter.tryAcquire(Quota.REQUESTS, "A", 1, MINUTE)).isFalse();
    }

    /** A clock the test moves: the limiter reads only its millis. */
    private Clock clock() {
        Clock clock = mock(Clock.class);
        when(clock.millis()).thenAnswer(call -> now.get().toEpochMilli());
        return clock;
    }
}
