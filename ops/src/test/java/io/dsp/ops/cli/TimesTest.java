package io.dsp.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimesTest {

    private static final Instant NOW = Instant.parse("2026-11-29T08:00:00Z");

    @Test
    void readsInstantsLocalTimesNowAndAges() {
        assertThat(Times.parse("2026-11-29T07:00:00Z", NOW, ZoneOffset.UTC)).isEqualTo("2026-11-29T07:00:00Z");
        assertThat(Times.parse("2026-11-29 15:00", NOW, ZoneOffset.ofHours(8))).isEqualTo("2026-11-29T07:00:00Z");
        assertThat(Times.parse("now", NOW, ZoneOffset.UTC)).isEqualTo(NOW);
        assertThat(Times.parse("2h", NOW, ZoneOffset.UTC)).isEqualTo("2026-11-29T06:00:00Z");
        assertThat(Times.parse("30m", NOW, ZoneOffset.UTC)).isEqualTo("2026-11-29T07:30:00Z");
        assertThat(Times.parse("1d", NOW, ZoneOffset.UTC)).isEqualTo("2026-11-28T08:00:00Z");
    }

    @Test
    void namesTheAcceptedFormsForAnythingElse() {
        assertThatThrownBy(() -> Times.parse("yesterday", NOW, ZoneOffset.UTC))
                .hasMessageContaining("'yesterday' is not a time")
                .hasMessageContaining("2h");
    }

    @Test
    void printsAgesCompactly() {
        assertThat(Times.age(Duration.ofSeconds(42))).isEqualTo("42s");
        assertThat(Times.age(Duration.ofSeconds(312))).isEqualTo("5m12s");
        assertThat(Times.age(Duration.ofMinutes(184))).isEqualTo("3h04m");
        assertThat(Times.age(Duration.ofHours(51))).isEqualTo("2d03h");
    }

    @Test
    void drawsAProgressLine() {
        assertThat(Progress.line("reading", 5, 10)).startsWith("[###############               ]  50% reading (5/10)");
    }
}
