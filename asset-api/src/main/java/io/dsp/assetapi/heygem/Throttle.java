package io.dsp.assetapi.heygem;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Lets one caller through per interval (lock-free); the first call always passes. */
final class Throttle {

    private final Clock clock;
    private final long intervalMillis;
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);

    Throttle(Clock clock, Duration interval) {
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
    }

    /** Whether this call may act now; if so, the interval starts again from now. */
    boolean tryPass() {
        long now = clock.millis();
        long previous = last.get();
        if (previous != Long.MIN_VALUE && now - previous < intervalMillis) {
            return false;
        }
        return last.compareAndSet(previous, now);
    }

    /** Gives back a pass whose action failed, so the next call may try again at once. */
    void release() {
        last.set(Long.MIN_VALUE);
    }
}
