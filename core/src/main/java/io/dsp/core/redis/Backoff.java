package io.dsp.core.redis;

import java.time.Duration;

/**
 * The wait before the next attempt after failures in a row: the first retry, then twice as long each time, up to the
 * maximum. Used by one thread at a time (the link's constructor, then its one background thread).
 */
final class Backoff {

    private final Duration first;
    private final Duration max;
    private int failedAttempts;

    Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
    }

    /** The wait after one more failure. */
    Duration next() {
        int doublings = Math.min(failedAttempts++, 16);
        Duration delay = first.multipliedBy(1L << doublings);
        return delay.compareTo(max) > 0 ? max : delay;
    }

    /** An attempt succeeded: the next failure waits the first retry again. */
    void reset() {
        failedAttempts = 0;
    }
}
