package io.dsp.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that stands still until the test moves it, for logic that takes an injected {@link Clock}. Safe to read
 * from the code under test's threads while the test moves it.
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;

    private MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** A clock standing at {@code start}. */
    public static MutableClock at(Instant start) {
        return new MutableClock(start);
    }

    /** Moves the clock on by {@code by}. */
    public void advance(Duration by) {
        now.updateAndGet(instant -> instant.plus(by));
    }

    /** Puts the clock at {@code instant}, forwards or back. */
    public void set(Instant instant) {
        now.set(instant);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** The zone is ignored: the clock is shared by reference with the code under test. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
