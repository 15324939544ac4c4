package io.dsp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Busy slot time is summed per bucket as a share of the slot time the bucket had. */
class UtilisationTest {

    private static final long MS = 1_000;

    @Test
    void aTaskAddsTheShareOfEachBucketItWasBusyIn() {
        // two slots, 100 ms buckets; one task busy 50..150 ms, one 0..100 ms
        List<Utilisation.Interval> tasks = List.of(
                new Utilisation.Interval(1_000_000 + 50 * MS, 1_000_000 + 150 * MS),
                new Utilisation.Interval(1_000_000, 1_000_000 + 100 * MS));

        double[] buckets = Utilisation.buckets(tasks, 100 * MS, 2);

        assertThat(buckets).hasSize(2);
        // bucket 0: 50 ms + 100 ms of 200 ms slot time; bucket 1: 50 ms of 200 ms
        assertThat(buckets[0]).isCloseTo(0.75, within(1e-9));
        assertThat(buckets[1]).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void everySlotBusyForTheWholeBucketIsFullUtilisation() {
        List<Utilisation.Interval> tasks = List.of(
                new Utilisation.Interval(0, 100 * MS),
                new Utilisation.Interval(0, 60 * MS),
                new Utilisation.Interval(60 * MS, 100 * MS));

        double[] buckets = Utilisation.buckets(tasks, 100 * MS, 2);

        assertThat(buckets).containsExactly(1.0);
        assertThat(Utilisation.mean(buckets)).isEqualTo(1.0);
    }

    @Test
    void anIdleGapBetweenTasksShowsAsEmptyBuckets() {
        List<Utilisation.Interval> tasks =
                List.of(new Utilisation.Interval(0, 10 * MS), new Utilisation.Interval(290 * MS, 300 * MS));

        double[] buckets = Utilisation.buckets(tasks, 100 * MS, 1);

        assertThat(buckets).hasSize(3);
        assertThat(buckets[0]).isCloseTo(0.1, within(1e-9));
        assertThat(buckets[1]).isZero();
        assertThat(buckets[2]).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void noTasksMeanNoBuckets() {
        assertThat(Utilisation.buckets(List.of(), 100 * MS, 3)).isEmpty();
        assertThat(Utilisation.mean(new double[0])).isNaN();
    }

    @Test
    void anIntervalEndingBeforeItStartsIsRefused() {
        assertThatThrownBy(() -> new Utilisation.Interval(10, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBacklogWindowRunsFromTheStartThatFilledEverySlotToTheLastStart() {
        // two slots: starts at 0, 10, 100 and 200 ms; the second start filled both slots, the last one ended the
        // backlog
        List<Utilisation.Interval> tasks = List.of(
                new Utilisation.Interval(0, 100 * MS),
                new Utilisation.Interval(10 * MS, 200 * MS),
                new Utilisation.Interval(100 * MS, 300 * MS),
                new Utilisation.Interval(200 * MS, 250 * MS));

        assertThat(Utilisation.backlogWindow(tasks, 2)).contains(new Utilisation.Window(10 * MS, 200 * MS));
    }

    @Test
    void noTaskStartingAfterTheSlotsFilledLeavesNoBacklogWindow() {
        List<Utilisation.Interval> tasks =
                List.of(new Utilisation.Interval(0, 100 * MS), new Utilisation.Interval(10 * MS, 200 * MS));

        assertThat(Utilisation.backlogWindow(tasks, 2)).isEmpty();
        assertThat(Utilisation.backlogWindow(tasks, 3)).isEmpty();
    }

    @Test
    void theBusyShareCountsOnlyTheBusyTimeInsideTheWindow() {
        // window 100..200 ms on two slots (200 ms of slot time): one task busy throughout, one from 150 to 300
        List<Utilisation.Interval> tasks =
                List.of(new Utilisation.Interval(0, 250 * MS), new Utilisation.Interval(150 * MS, 300 * MS));

        double share = new Utilisation.Window(100 * MS, 200 * MS).busyShare(tasks, 2);

        assertThat(share).isCloseTo((100 + 50) / 200.0, within(1e-9));
    }
}
