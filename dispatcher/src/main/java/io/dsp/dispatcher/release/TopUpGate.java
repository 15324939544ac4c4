package io.dsp.dispatcher.release;

import java.time.Duration;
import java.time.Instant;

/**
 * Holds back releases that would only top up the prefetch ({@code dsp.dispatcher.top-up-linger}): while every live
 * slot has its task, running or waiting, the room a finished task leaves is gathered for a moment, so that the slots
 * that free close together get their next tasks in one transaction, with one commit marker in the dispatch topic
 * instead of one each (a slot's share fetch takes a marker like a record and comes back empty). A slot with nothing
 * waiting for it is never held back. The release loop's thread only.
 */
final class TopUpGate {

    private final Duration linger;
    /** Since when a top-up has been held back; null while none is. */
    private Instant holdingSince;
    /** Holds begun so far (a metric: how often releases were gathered). */
    private volatile long holds;

    TopUpGate(Duration linger) {
        this.linger = linger;
    }

    /**
     * How much longer releases wait, given the room in the window and whether every live slot is served now; zero:
     * release now.
     */
    Duration held(Instant now, int room, boolean everySlotServed) {
        if (linger.isZero() || room == 0 || !everySlotServed) {
            holdingSince = null;
            return Duration.ZERO;
        }
        Duration left = holdingSince == null ? null : Duration.between(now, holdingSince.plus(linger));
        if (left == null || left.compareTo(linger) > 0) {
            // the first room, or the wall clock stepped back since: a hold never lasts longer than the linger
            holdingSince = now;
            left = linger;
            holds++;
        }
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** How many holds have begun. */
    long holds() {
        return holds;
    }

    /** Tasks were released: the next top-up is gathered afresh. */
    void released() {
        holdingSince = null;
    }
}
