package io.dsp.dispatcher.release.internal;

import java.time.Duration;

/**
 * Back-off between restarts of a loop that failed: 1 s, doubling to at most 30 s, back to 1 s after a good turn.
 * A loop that stops for good would leave tasks waiting with nobody to release them.
 */
public final class Restarts {

    public static final Duration FIRST = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofSeconds(30);

    private Duration next = FIRST;
    private boolean stopped;

    public synchronized void succeeded() {
        next = FIRST;
    }

    /** Waits before the next restart; false when the loop is being stopped. */
    public synchronized boolean pause() {
        Duration pause = next;
        next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
        long until = System.nanoTime() + pause.toNanos();
        try {
            while (!stopped && System.nanoTime() < until) {
                wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !stopped;
    }

    /** Ends a pause at once; later pauses return false immediately. */
    public synchronized void stop() {
        stopped = true;
        notifyAll();
    }
}
