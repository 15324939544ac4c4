package io.dsp.console.feed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LookBackTest {

    @Test
    void startsThatManyRecordsBeforeTheEnd() {
        assertThat(LookBack.start(0L, 50_000L, 20_000)).isEqualTo(30_000);
    }

    @Test
    void neverStartsBeforeTheFirstRetainedRecord() {
        assertThat(LookBack.start(100L, 150L, 20_000)).isEqualTo(100);
        assertThat(LookBack.start(null, null, 20_000)).isZero();
    }
}
