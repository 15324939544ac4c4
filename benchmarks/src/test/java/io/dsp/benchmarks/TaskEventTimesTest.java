package io.dsp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.TaskEventType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A worker slot's busy time for a task runs from its STARTED to its SUCCEEDED event. */
class TaskEventTimesTest {

    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");

    @Test
    void aTaskIsBusyFromItsStartedToItsSucceededEvent() {
        List<Utilisation.Interval> busy = TaskEventTimes.pair(List.of(
                step("a", TaskEventType.STARTED, 0),
                step("b", TaskEventType.STARTED, 2),
                step("a", TaskEventType.PROGRESS, 3),
                step("a", TaskEventType.SUCCEEDED, 5),
                step("b", TaskEventType.SUCCEEDED, 9)));

        long start = T0.toEpochMilli() * 1_000;
        assertThat(busy)
                .containsExactly(
                        new Utilisation.Interval(start, start + 5_000),
                        new Utilisation.Interval(start + 2_000, start + 9_000));
    }

    @Test
    void aRedeliveredTaskCountsFromItsLastStart() {
        List<Utilisation.Interval> busy = TaskEventTimes.pair(List.of(
                step("a", TaskEventType.STARTED, 0),
                step("a", TaskEventType.STARTED, 4),
                step("a", TaskEventType.SUCCEEDED, 6)));

        long start = T0.toEpochMilli() * 1_000;
        assertThat(busy).containsExactly(new Utilisation.Interval(start + 4_000, start + 6_000));
    }

    @Test
    void aTaskWithoutBothEventsIsLeftOut() {
        assertThat(TaskEventTimes.pair(
                        List.of(step("a", TaskEventType.STARTED, 0), step("b", TaskEventType.SUCCEEDED, 3))))
                .isEmpty();
    }

    @Test
    void theEngineWorksFromItsFirstProcessingProgressToItsDoneProgress() {
        List<Utilisation.Interval> busy = TaskEventTimes.pairEngine(List.of(
                step("a", TaskEventType.STARTED, 0),
                progress("a", "processing", 30),
                progress("a", "processing", 1_500),
                progress("a", "done", 2_040),
                step("a", TaskEventType.SUCCEEDED, 2_050)));

        long start = T0.toEpochMilli() * 1_000;
        assertThat(busy).containsExactly(new Utilisation.Interval(start + 30_000, start + 2_040_000));
    }

    @Test
    void anEngineRunCutShortByARedeliveryCountsFromTheNextStart() {
        List<Utilisation.Interval> busy = TaskEventTimes.pairEngine(List.of(
                step("a", TaskEventType.STARTED, 0),
                progress("a", "processing", 10),
                step("a", TaskEventType.STARTED, 5_000),
                progress("a", "processing", 5_020),
                progress("a", "done", 7_000),
                progress("b", "done", 7_100)));

        long start = T0.toEpochMilli() * 1_000;
        assertThat(busy).containsExactly(new Utilisation.Interval(start + 5_020_000, start + 7_000_000));
    }

    private static TaskEventTimes.Step progress(String id, String status, long millis) {
        return new TaskEventTimes.Step(id, TaskEventType.PROGRESS, T0.plusMillis(millis), status);
    }

    private static TaskEventTimes.Step step(String id, TaskEventType type, long millis) {
        return new TaskEventTimes.Step(id, type, T0.plusMillis(millis));
    }
}
