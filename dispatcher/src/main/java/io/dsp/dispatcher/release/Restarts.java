package io.dsp.dispatcher.release;

import java.time.Duration;

/**
 * Back-off between restarts of a loop that failed: 1 s, doubling to at most 30 s, back to 1 s after a good turn.
 * A loop that stops for good would leave tasks waiting with nobody to release them.
 */
final class Restarts {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);

    private Duration next = FIRST;

    void succeeded() {
        next = FIRST;
    }

    /** Waits before the next restart; false when interrupted (the loop is being stopped). */
    boolean pause() {
        Duration pause = next;
        next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
