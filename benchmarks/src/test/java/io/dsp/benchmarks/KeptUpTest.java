package io.dsp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A side that did not deliver at the offered rate is told apart from one that did, so no queue passes as latency. */
class KeptUpTest {

    private static final long MS = 1_000_000L;

    @Test
    void aSideThatDeliveredEverythingSoonAfterTheLastSendKeptUp() {
        Latencies l = new Latencies();
        for (int i = 0; i < 100; i++) {
            l.started("t" + i, i * 50 * MS);
            l.ended("t" + i, i * 50 * MS + 20 * MS);
        }
        long lastSend = 99 * 50 * MS;

        DispatchScenario.Result result = DispatchScenario.Result.of("side", l, lastSend + 1_000 * MS);

        assertThat(result.onTime()).isEqualTo(100);
        assertThat(result.lagGrowth()).isZero();
        assertThat(result.keptUp()).isTrue();
    }

    @Test
    void aSideWhoseDeliveriesFallFurtherBehindBuiltAQueueAndDidNotKeepUp() {
        // offered every 50 ms, delivered every 62.5 ms (16/s against 20/s): the lag grows with every task
        Latencies l = new Latencies();
        for (int i = 0; i < 100; i++) {
            l.started("t" + i, i * 50 * MS);
            l.ended("t" + i, (long) (i * 62.5 * MS) + 10 * MS);
        }
        long lastSend = 99 * 50 * MS;

        DispatchScenario.Result result = DispatchScenario.Result.of("side", l, lastSend + 1_000 * MS);

        assertThat(result.arrived()).isEqualTo(100);
        // nearly all arrived within a second of the last send, but the latency grew by most of a second over the run
        assertThat(result.lagGrowth()).isGreaterThan(DispatchScenario.MAX_LAG_GROWTH_MS);
        assertThat(result.keptUp()).isFalse();
    }

    @Test
    void aSideWhoseEveryTaskWaitedInAStandingQueueDidNotKeepUpThoughItDeliveredAtTheOfferedRate() {
        // offered and delivered every 5 ms (200/s), each task 1.2 s late: a queue built before the run, not growing
        Latencies l = new Latencies();
        for (int i = 0; i < 1_000; i++) {
            l.started("t" + i, i * 5 * MS);
            l.ended("t" + i, i * 5 * MS + 1_200 * MS + (i % 7) * MS);
        }
        long lastSend = 999 * 5 * MS;

        DispatchScenario.Result result = DispatchScenario.Result.of("side", l, lastSend + 1_500 * MS);

        assertThat(result.onTime()).isEqualTo(1_000);
        assertThat(result.lagGrowth()).isLessThan(DispatchScenario.MAX_LAG_GROWTH_MS);
        assertThat(result.p10()).isGreaterThan(DispatchScenario.STANDING_QUEUE_MS);
        assertThat(result.keptUp()).isFalse();
    }
}
