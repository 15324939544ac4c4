package io.dsp.ops.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.ops.replay.ReplayPlanner.Decision;
import io.dsp.ops.replay.ReplayPlanner.Verdict;
import io.dsp.ops.task.TaskCopy;
import io.dsp.ops.task.TaskOutcomes;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ReplayPlannerTest {

    private static final Instant FROM = Instant.parse("2026-11-29T06:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-29T07:00:00Z");
    private static final Predicate<TaskCopy> NOTHING_WAITS = c -> false;

    private final List<TaskCopy> copies = new ArrayList<>();
    private long offset;

    @Test
    void republishesATaskThatWasReleasedAndNeverEndedUnderItsOwnId() {
        copy("a", "06:10", null);

        Decision d = only(plan(Map.of(), NOTHING_WAITS, false));

        assertThat(d.verdict()).isEqualTo(Verdict.REPUBLISH);
        assertThat(d.requestId()).isEqualTo("a");
    }

    @Test
    void skipsAnEndedTaskAndReRunsItUnderANewIdWhenForced() {
        copy("a", "06:10", null);
        copy("a:rerun-1", "06:20", "replay-1");

        assertThat(only(plan(Map.of("a:rerun-1", TaskEventType.FAILED), NOTHING_WAITS, false))
                        .verdict())
                .isEqualTo(Verdict.SKIP_ENDED);
        Decision forced = only(plan(Map.of("a:rerun-1", TaskEventType.FAILED), NOTHING_WAITS, true));
        assertThat(forced.verdict()).isEqualTo(Verdict.RERUN);
        assertThat(forced.requestId()).isEqualTo("a:rerun-2");
    }

    @Test
    void skipsATaskAlreadyReplayedThatHasNotEndedSoASecondRunPublishesNothing() {
        copy("a", "06:10", null);
        copy("a", "07:30", "replay-1"); // the copy lies after the window: it still counts

        Decision d = only(plan(Map.of(), NOTHING_WAITS, false));

        assertThat(d.verdict()).isEqualTo(Verdict.SKIP_REPLAYED);
        assertThat(d.why()).contains("replay-1");
        assertThat(only(plan(Map.of(), NOTHING_WAITS, true)).verdict()).isEqualTo(Verdict.REPUBLISH);
    }

    @Test
    void skipsATaskStillWaitingForTheDispatcherEvenWhenForced() {
        copy("a", "06:10", null);

        assertThat(only(plan(Map.of(), c -> true, true)).verdict()).isEqualTo(Verdict.SKIP_WAITING);
    }

    @Test
    void leavesOutTasksWrittenOutsideTheWindow() {
        copy("before", "05:59", null);
        copy("inside", "07:00", null);
        copy("after", "07:01", null);

        assertThat(plan(Map.of(), NOTHING_WAITS, false))
                .extracting(Decision::original)
                .containsExactly("inside");
    }

    @Test
    void aDeadLetteredRunIsEndedLikeAnyOther() {
        copy("a", "06:10", null);

        assertThat(only(plan(Map.of("a", TaskEventType.DEAD_LETTERED), NOTHING_WAITS, false))
                        .verdict())
                .isEqualTo(Verdict.SKIP_ENDED);
    }

    private List<Decision> plan(Map<String, TaskEventType> ended, Predicate<TaskCopy> waiting, boolean force) {
        return ReplayPlanner.plan(copies, FROM, TO, TaskOutcomes.of(ended), waiting, force);
    }

    private static Decision only(List<Decision> plan) {
        assertThat(plan).hasSize(1);
        return plan.get(0);
    }

    private void copy(String requestId, String time, String replayOf) {
        TaskRequested task = TaskRequested.newBuilder()
                .setRequestId(requestId)
                .setLicenseKey("license-1")
                .setTaskType("delete_asset")
                .setPayload(new DeleteAssetPayload(1L, null, null))
                .setRequestedAt(FROM)
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "asset-api", null, null))
                .setReplayOf(replayOf)
                .build();
        copies.add(new TaskCopy(
                "dsp.tasks.license-1", 0, offset++, Instant.parse("2026-11-29T" + time + ":00Z"), task, null));
    }
}
