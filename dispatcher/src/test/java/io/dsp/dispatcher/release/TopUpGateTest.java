package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Releases that only top up the prefetch wait a moment for more room; a slot with nothing waiting never does. */
class TopUpGateTest {

    private static final Instant T0 = Instant.parse("2026-12-06T20:00:00Z");
    private static final Duration LINGER = Duration.ofMillis(100);

    @Test
    void aTopUpWhileEverySlotIsServedWaitsTheLingerFromTheFirstRoomOn() {
        TopUpGate gate = new TopUpGate(LINGER);

        assertThat(gate.held(T0, 1, true)).isEqualTo(LINGER);
        // more room 60 ms later is gathered into the same release, not waited for afresh
        assertThat(gate.held(T0.plusMillis(60), 3, true)).isEqualTo(Duration.ofMillis(40));
        assertThat(gate.held(T0.plusMillis(100), 3, true)).isZero();
        assertThat(gate.held(T0.plusMillis(250), 3, true)).isZero();
    }

    @Test
    void aSlotWithNothingWaitingForItIsServedAtOnceWhateverWasGathered() {
        TopUpGate gate = new TopUpGate(LINGER);
        gate.held(T0, 1, true);

        assertThat(gate.held(T0.plusMillis(10), 2, false)).isZero();
        // and what is gathered next starts afresh
        assertThat(gate.held(T0.plusMillis(20), 1, true)).isEqualTo(LINGER);
    }

    @Test
    void aReleaseStartsTheNextGatheringAfresh() {
        TopUpGate gate = new TopUpGate(LINGER);
        gate.held(T0, 1, true);
        assertThat(gate.held(T0.plusMillis(100), 1, true)).isZero();

        gate.released();

        assertThat(gate.held(T0.plusMillis(150), 1, true)).isEqualTo(LINGER);
    }

    @Test
    void aClockSteppedBackNeverHoldsLongerThanTheLinger() {
        TopUpGate gate = new TopUpGate(LINGER);
        gate.held(T0, 1, true);

        assertThat(gate.held(T0.minusSeconds(600), 1, true)).isEqualTo(LINGER);
    }

    @Test
    void noRoomOrNoLingerHoldsNothingBack() {
        assertThat(new TopUpGate(LINGER).held(T0, 0, true)).isZero();
        assertThat(new TopUpGate(Duration.ZERO).held(T0, 5, true)).isZero();
    }

    @Test
    void eachHoldIsCountedOnceHoweverOftenItIsAskedAbout() {
        TopUpGate gate = new TopUpGate(LINGER);

        gate.held(T0, 1, true);
        gate.held(T0.plusMillis(30), 2, true);
        gate.held(T0.plusMillis(100), 2, true);
        gate.released();
        gate.held(T0.plusMillis(120), 0, true);
        gate.held(T0.plusMillis(130), 1, false);

        assertThat(gate.holds()).isEqualTo(1);
    }
}
