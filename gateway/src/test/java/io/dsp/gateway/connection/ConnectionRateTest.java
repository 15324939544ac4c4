package io.dsp.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConnectionRateTest {

    private static final Instant START = Instant.parse("2026-12-07T10:00:00.900Z");

    private final Connection connection = new Connection(1, null, null, START);

    @Test
    void theBudgetPassesAndTheFrameAfterItIsRefused() {
        assertThat(passed(START, 50)).isEqualTo(50);
        assertThat(connection.withinRate(START.plusMillis(10), 50)).isFalse();
    }

    @Test
    void aBurstStraddlingASecondsBoundaryCannotPassTwiceTheBudget() {
        // 30 frames just before a calendar second ends, 31 just after it: calendar windows would let all 61 through.
        int passed = passed(START.plusMillis(90), 30) + passed(START.plusMillis(110), 31);

        assertThat(passed).isEqualTo(50);
    }

    @Test
    void framesPassAgainOnceTheOldestLeavesTheSpan() {
        passed(START, 25);
        passed(START.plusMillis(500), 25);

        assertThat(connection.withinRate(START.plusMillis(999), 50)).isFalse();
        assertThat(passed(START.plusMillis(1000), 50)).isEqualTo(25);
        assertThat(passed(START.plusMillis(1499), 50)).isZero();
        assertThat(passed(START.plusMillis(1500), 50)).isEqualTo(25);
    }

    @Test
    void refusedFramesDoNotDelayTheNextPass() {
        passed(START, 50);
        assertThat(passed(START.plusMillis(500), 1000)).isZero();

        assertThat(passed(START.plusMillis(1000), 50)).isEqualTo(50);
    }

    @Test
    void aSteadyRateAtTheBudgetIsNeverRefused() {
        int passed = 0;
        for (int i = 0; i < 500; i++) {
            passed += passed(START.plusMillis(20L * i), 1);
        }

        assertThat(passed).isEqualTo(500);
    }

    private int passed(Instant at, int frames) {
        int passed = 0;
        for (int i = 0; i < frames; i++) {
            if (connection.withinRate(at, 50)) {
                passed++;
            }
        }
        return passed;
    }
}
