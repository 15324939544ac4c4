package io.dsp.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResultDeliverySettingsTest {

    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    private final ResultDeliverySettings defaults =
            new ResultDeliverySettings(Duration.ofMinutes(2), 1000, Duration.ofSeconds(15), Duration.ofMinutes(10));

    @Test
    void aStartWhileAnotherInstanceRunsReplaysOnlyTheMargin() {
        assertThat(defaults.replayFor(NOW, Optional.of(NOW.minusSeconds(2)))).isEqualTo(Duration.ofSeconds(17));
    }

    @Test
    void aStartAfterTheWholeTierWasDownReplaysTheOutageAndTheMargin() {
        // the last gateway was killed 40 s ago: a replay of only the margin would miss the results of 25 s
        assertThat(defaults.replayFor(NOW, Optional.of(NOW.minusSeconds(40)))).isEqualTo(Duration.ofSeconds(55));
    }

    @Test
    void theReplayNeverReachesFurtherThanItsMostNorWhenNoGatewayWasHeard() {
        assertThat(defaults.replayFor(NOW, Optional.of(NOW.minus(Duration.ofHours(3)))))
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(defaults.replayFor(NOW, Optional.empty())).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aBeatFromAClockAheadCountsAsJustHeard() {
        assertThat(defaults.replayFor(NOW, Optional.of(NOW.plusSeconds(30)))).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void aZeroMarginTurnsTheReplayOff() {
        ResultDeliverySettings off =
                new ResultDeliverySettings(Duration.ofMinutes(2), 1000, Duration.ZERO, Duration.ofMinutes(10));
        assertThat(off.replayFor(NOW, Optional.of(NOW.minusSeconds(40)))).isZero();
        assertThat(off.replayFor(NOW, Optional.empty())).isZero();
    }
}
