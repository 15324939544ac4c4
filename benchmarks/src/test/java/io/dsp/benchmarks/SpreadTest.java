package io.dsp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Repeated runs are summarised by their median and their range; runs that did not count are only counted. */
class SpreadTest {

    @Test
    void theMedianOfAnOddNumberOfRunsIsTheMiddleRunWhateverTheOrder() {
        Spread spread = Spread.of(List.of(30.0, 10.0, 20.0));

        assertThat(spread.median()).isEqualTo(20.0);
        assertThat(spread.min()).isEqualTo(10.0);
        assertThat(spread.max()).isEqualTo(30.0);
        assertThat(spread.runs()).isEqualTo(3);
    }

    @Test
    void theMedianOfAnEvenNumberOfRunsIsTheMeanOfTheMiddleTwo() {
        assertThat(Spread.of(List.of(4.0, 1.0, 3.0, 10.0)).median()).isCloseTo(3.5, within(1e-9));
    }

    @Test
    void aSideWithNoCountedRunHasNoMedianAndSaysHowManyWereExcluded() {
        Spread spread = Spread.none(3);

        assertThat(spread.median()).isNaN();
        assertThat(spread.min()).isNaN();
        assertThat(spread.describe()).isEqualTo("– (3 excluded)");
    }

    @Test
    void nonFiniteValuesDoNotCountAsRuns() {
        Spread spread = Spread.of(List.of(5.0, Double.NaN, 7.0), 1);

        assertThat(spread.values()).containsExactly(5.0, 7.0);
        assertThat(spread.median()).isEqualTo(6.0);
        assertThat(spread.describe()).isEqualTo("5.00–7.00 (2 runs, 1 excluded)");
    }

    @Test
    void aSingleRunIsDescribedAsSuch() {
        assertThat(Spread.of(List.of(1234.0)).describe()).isEqualTo("1,234 (1 run)");
    }

    @Test
    void keptUpRawRunsAloneMakeTheRawMedianAndTheOthersAreExcluded() {
        DispatchScenario.Result keptUp = result(true, 12);
        DispatchScenario.Result queued = result(false, 2_500);
        DispatchScenario.Result alsoKeptUp = result(true, 14);

        Spread raw = DispatchScenario.Result.spread(List.of(keptUp, queued, alsoKeptUp), DispatchScenario.Result::p50);

        assertThat(raw.values()).containsExactly(12.0, 14.0);
        assertThat(raw.excluded()).isEqualTo(1);
        assertThat(raw.median()).isEqualTo(13.0);
    }

    @Test
    void theTypicalRunIsTheOneWithTheMedianValue() {
        assertThat(Spread.medianRun(List.of(300.0, 100.0, 200.0))).isEqualTo(2);
        assertThat(Spread.medianRun(List.of(4.0, 1.0, 3.0, 10.0))).isEqualTo(2);
        assertThat(Spread.medianRun(List.of())).isEqualTo(-1);
    }

    private static DispatchScenario.Result result(boolean keptUp, double p50) {
        return new DispatchScenario.Result(
                "run", 100, 100, keptUp ? 100 : 50, keptUp ? 0 : 2_000, p50, p50 * 2, p50 * 3, p50 * 4, List.of(p50));
    }
}
