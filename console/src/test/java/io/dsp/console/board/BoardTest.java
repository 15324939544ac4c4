package io.dsp.console.board;

import static io.dsp.console.board.Records.deadLetter;
import static io.dsp.console.board.Records.event;
import static io.dsp.console.board.Records.facts;
import static io.dsp.console.board.Records.failed;
import static io.dsp.console.board.Records.onWorker;
import static io.dsp.console.board.Records.presence;
import static io.dsp.console.board.Records.progress;
import static io.dsp.console.board.Records.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BoardTest {

    private static final Instant T0 = Instant.parse("2026-11-29T08:00:00Z");
    private static final String KEY = "LICENSE-KEY-0001";

    private final Board board = new Board(3, 6, 2, Duration.ofHours(1));

    @Nested
    class Fleet {

        @Test
        void showsEachWorkerWithItsSlotsInFlightAndLiveness() {
            board.presence("w-1", presence("w-1", "gpu", 3, 2, false, T0));

            WorkerRow row = board.snapshot(T0.plusSeconds(1)).workers().get(0);

            assertThat(row.workerId()).isEqualTo("w-1");
            assertThat(row.kind()).isEqualTo("native");
            assertThat(row.slots()).isEqualTo(3);
            assertThat(row.inFlight()).isEqualTo(2);
            assertThat(row.live()).isTrue();
            assertThat(row.heartbeatAgeMs()).isEqualTo(1000);
        }

        @Test
        void aWorkerThatMissedThreeBeatsIsOfflineAndLaterForgotten() {
            board.presence("w-1", presence("w-1", "gpu", 3, 0, false, T0));

            // 1 s beats, three may be missed
            assertThat(board.snapshot(T0.plusMillis(2900)).workers().get(0).live())
                    .isTrue();
            assertThat(board.snapshot(T0.plusSeconds(3)).workers().get(0).live())
                    .isFalse();
            assertThat(board.snapshot(T0.plus(Duration.ofMinutes(59))).workers())
                    .hasSize(1);
            assertThat(board.snapshot(T0.plus(Duration.ofMinutes(61))).workers())
                    .isEmpty();
        }

        @Test
        void aTombstoneRemovesTheWorker() {
            board.presence("w-1", presence("w-1", "gpu", 3, 0, false, T0));
            board.presence("w-1", null);

            assertThat(board.snapshot(T0).workers()).isEmpty();
        }

        @Test
        void anOlderBeatArrivingLateDoesNotRollTheWorkerBack() {
            board.presence("w-1", presence("w-1", "gpu", 3, 1, false, T0.plusSeconds(5)));
            long version = board.version();

            board.presence("w-1", presence("w-1", "gpu", 3, 3, false, T0));

            assertThat(board.snapshot(T0.plusSeconds(5)).workers().get(0).inFlight())
                    .isEqualTo(1);
            assertThat(board.version()).isEqualTo(version);
        }

        @Test
        void summaryCountsLiveWorkersAndOnlyTheSlotsOfThoseNotDraining() {
            board.presence("a", presence("a", "gpu", 3, 1, false, T0));
            board.presence("b", presence("b", "gpu", 2, 2, true, T0));
            board.presence("gone", presence("gone", "gpu", 5, 5, false, T0.minusSeconds(30)));

            BoardSnapshot snapshot = board.snapshot(T0.plusMillis(500));

            assertThat(snapshot.summary().workersLive()).isEqualTo(2);
            assertThat(snapshot.summary().workersDraining()).isEqualTo(1);
            assertThat(snapshot.summary().slots()).isEqualTo(3);
            assertThat(snapshot.summary().inFlight()).isEqualTo(3);
            assertThat(snapshot.workers()).extracting(WorkerRow::workerId).containsExactly("a", "b", "gone");
        }
    }

    @Nested
    class Backlog {

        @Test
        void showsEachBusyTenantMaskedWithItsBacklogAndOldestWait() {
            board.queueFacts(KEY, facts(KEY, 4, 1, T0.minusSeconds(30), T0));
            board.queueFacts("IDLE-LICENSE-9", facts("IDLE-LICENSE-9", 0, 0, null, T0));

            BoardSnapshot snapshot = board.snapshot(T0.plusSeconds(10));

            assertThat(snapshot.tenants())
                    .containsExactly(new TenantRow(
                            "LIC***01", 4, 1, T0.minusSeconds(30).toEpochMilli(), 40_000L, T0.toEpochMilli()));
            assertThat(snapshot.idleTenants()).isEqualTo(1);
            assertThat(snapshot.summary().waiting()).isEqualTo(4);
            assertThat(snapshot.summary().tenantsWaiting()).isEqualTo(1);
            assertThat(snapshot.summary().oldestWaitMs()).isEqualTo(40_000L);
        }

        @Test
        void theLongestBacklogComesFirstAndNewerFactsReplaceOlderOnes() {
            board.queueFacts("AAAA-LICENSE-1", facts("AAAA-LICENSE-1", 1, 0, T0, T0));
            board.queueFacts("BBBB-LICENSE-2", facts("BBBB-LICENSE-2", 9, 0, T0, T0));
            board.queueFacts("AAAA-LICENSE-1", facts("AAAA-LICENSE-1", 20, 0, T0, T0.plusSeconds(1)));
            board.queueFacts("AAAA-LICENSE-1", facts("AAAA-LICENSE-1", 2, 0, T0, T0.minusSeconds(1)));

            assertThat(board.snapshot(T0.plusSeconds(1)).tenants())
                    .extracting(TenantRow::tenant, TenantRow::waiting)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("AAA***-1", 20L),
                            org.assertj.core.groups.Tuple.tuple("BBB***-2", 9L));
        }

        @Test
        void aTenantWhoseQueueEmptiedIsIdleWithNoOldestWait() {
            board.queueFacts(KEY, facts(KEY, 3, 0, T0, T0));
            board.queueFacts(KEY, facts(KEY, 0, 0, null, T0.plusSeconds(2)));

            BoardSnapshot snapshot = board.snapshot(T0.plusSeconds(3));

            assertThat(snapshot.tenants()).isEmpty();
            assertThat(snapshot.summary().oldestWaitMs()).isNull();
            assertThat(board.allTenants(T0).get(0).waiting()).isZero();
        }
    }

    @Nested
    class Tasks {

        private final TaskRequested task = task("req-1", KEY, Priority.HIGH, T0);

        @Test
        void showsATasksWholeLifeWithItsDurations() {
            board.taskEvent(event(task, TaskEventType.ACCEPTED, T0));
            board.taskEvent(event(task, TaskEventType.DISPATCHED, T0.plusMillis(40)));
            board.taskEvent(onWorker(task, TaskEventType.STARTED, T0.plusMillis(100), "w-1", 1));
            board.taskEvent(progress(task, T0.plusMillis(200), "w-1", 50));
            board.taskEvent(onWorker(task, TaskEventType.SUCCEEDED, T0.plusMillis(1100), "w-1", 1));

            TaskRow row = board.snapshot(T0.plusSeconds(5)).tasks().get(0);

            assertThat(row.requestId()).isEqualTo("req-1");
            assertThat(row.tenant()).isEqualTo("LIC***01");
            assertThat(row.priority()).isEqualTo("high");
            assertThat(row.status()).isEqualTo("succeeded");
            assertThat(row.terminal()).isTrue();
            assertThat(row.workerId()).isEqualTo("w-1");
            assertThat(row.deliveryCount()).isEqualTo(1);
            assertThat(row.percent()).isEqualTo(100);
            assertThat(row.queuedMs()).isEqualTo(40);
            assertThat(row.waitMs()).isEqualTo(100);
            assertThat(row.runMs()).isEqualTo(1000);
            assertThat(row.totalMs()).isEqualTo(1100);
            assertThat(row.partial()).isFalse();
            assertThat(row.steps())
                    .extracting(TaskStep::type)
                    .containsExactly("accepted", "dispatched", "started", "progress", "succeeded");
        }

        @Test
        void aRunningTaskShowsItsProgressAndHowLongItHasBeenGoing() {
            board.taskEvent(event(task, TaskEventType.ACCEPTED, T0));
            board.taskEvent(onWorker(task, TaskEventType.STARTED, T0.plusMillis(100), "w-1", 1));
            board.taskEvent(progress(task, T0.plusMillis(200), "w-1", 30));

            TaskRow row = board.snapshot(T0.plusSeconds(7)).tasks().get(0);

            assertThat(row.status()).isEqualTo("started");
            assertThat(row.terminal()).isFalse();
            assertThat(row.percent()).isEqualTo(30);
            assertThat(row.runMs()).isNull();
            assertThat(row.endedAt()).isNull();
            assertThat(row.totalMs()).isEqualTo(7000);
        }

        @Test
        void consecutiveProgressEventsCollapseIntoOneStep() {
            board.taskEvent(event(task, TaskEventType.ACCEPTED, T0));
            for (int percent = 10; percent <= 90; percent += 10) {
                board.taskEvent(progress(task, T0.plusMillis(percent), "w-1", percent));
            }

            List<TaskStep> steps = board.snapshot(T0).tasks().get(0).steps();

            assertThat(steps).hasSize(2);
            assertThat(steps.get(1).percent()).isEqualTo(90);
            assertThat(steps.get(1).repeats()).isEqualTo(9);
        }

        @Test
        void aDuplicateEventChangesNothing() {
            TaskEvent accepted = event(task, TaskEventType.ACCEPTED, T0);
            board.taskEvent(accepted);
            long version = board.version();

            board.taskEvent(accepted);

            assertThat(board.version()).isEqualTo(version);
            assertThat(board.snapshot(T0).tasks().get(0).steps()).hasSize(1);
        }

        @Test
        void pastTheStepLimitTheFirstAndLatestStepsAreKeptAndTheLifeIsMarkedPartial() {
            board.taskEvent(event(task, TaskEventType.ACCEPTED, T0));
            for (int delivery = 1; delivery <= 4; delivery++) {
                board.taskEvent(
                        onWorker(task, TaskEventType.STARTED, T0.plusSeconds(delivery), "w-" + delivery, delivery));
                board.taskEvent(event(
                        task, TaskEventType.QUEUED, T0.plusSeconds(delivery).plusMillis(1)));
            }

            TaskRow row = board.snapshot(T0.plusSeconds(5)).tasks().get(0);

            assertThat(row.steps()).hasSize(6);
            assertThat(row.steps().get(0).type()).isEqualTo("accepted");
            assertThat(row.steps().get(5).type()).isEqualTo("queued");
            assertThat(row.partial()).isTrue();
            assertThat(row.deliveryCount()).isEqualTo(4);
        }

        @Test
        void aTaskSeenWithoutItsAcceptedEventIsPartialWithoutDurationsFromAcceptance() {
            board.taskEvent(onWorker(task, TaskEventType.STARTED, T0, "w-1", 1));

            TaskRow row = board.snapshot(T0).tasks().get(0);

            assertThat(row.partial()).isTrue();
            assertThat(row.acceptedAt()).isNull();
            assertThat(row.totalMs()).isNull();
            assertThat(row.priority()).isNull();
        }

        @Test
        void newestTasksComeFirstAndTheOldestIsForgottenPastTheLimit() {
            for (int i = 1; i <= 4; i++) {
                board.taskEvent(event(task("req-" + i, KEY, Priority.NORMAL, T0), TaskEventType.ACCEPTED, T0));
            }

            assertThat(board.snapshot(T0).tasks())
                    .extracting(TaskRow::requestId)
                    .containsExactly("req-4", "req-3", "req-2");
            assertThat(board.task("req-1", T0)).isEmpty();
            assertThat(board.task("req-4", T0)).isPresent();
        }

        @Test
        void aStartThatRanAloneOnItsWorkerSaysSo() {
            board.taskEvent(event(task, TaskEventType.ACCEPTED, T0));
            TaskEvent alone = onWorker(task, TaskEventType.STARTED, T0.plusSeconds(1), "w-1", 3);
            alone.setRanAlone(true);
            board.taskEvent(alone);

            TaskRow row = board.snapshot(T0.plusSeconds(1)).tasks().get(0);

            assertThat(row.steps().get(1).detail()).isEqualTo(TaskLife.RAN_ALONE);
            assertThat(row.error()).isNull();
        }

        @Test
        void aFailureShowsItsErrorWithTheLicenseKeyMasked() {
            board.taskEvent(event(task, TaskEventType.ACCEPTED, T0));
            board.taskEvent(failed(task, T0.plusSeconds(1), "w-1", "ENGINE", "no file for " + KEY));

            TaskRow row = board.snapshot(T0.plusSeconds(1)).tasks().get(0);

            assertThat(row.status()).isEqualTo("failed");
            assertThat(row.error()).isEqualTo("ENGINE: no file for LIC***01");
            assertThat(row.steps().get(1).detail()).doesNotContain(KEY);
        }

        @Test
        void summaryCountsRecentTasksByStatus() {
            board.taskEvent(event(task("a", KEY, Priority.NORMAL, T0), TaskEventType.ACCEPTED, T0));
            board.taskEvent(event(task("b", KEY, Priority.NORMAL, T0), TaskEventType.ACCEPTED, T0));
            board.taskEvent(onWorker(task("b", KEY, Priority.NORMAL, T0), TaskEventType.SUCCEEDED, T0, "w", 1));

            assertThat(board.snapshot(T0).summary().recentByStatus())
                    .containsEntry("accepted", 1)
                    .containsEntry("succeeded", 1);
        }
    }

    @Nested
    class DeadLettersOnTheBoard {

        @Test
        void showsTheNewestDeadLettersWithKeysMaskedEvenInTheirErrors() {
            for (int i = 1; i <= 3; i++) {
                TaskRequested task = task("dl-" + i, KEY, Priority.NORMAL, T0);
                board.deadLetter("dl-" + i, deadLetter(task, "boom for " + KEY, "w-1", T0.plusSeconds(i)));
            }

            BoardSnapshot snapshot = board.snapshot(T0.plusSeconds(5));

            assertThat(snapshot.deadLetters())
                    .extracting(DeadLetterRow::requestId)
                    .containsExactly("dl-3", "dl-2");
            DeadLetterRow newest = snapshot.deadLetters().get(0);
            assertThat(newest.tenant()).isEqualTo("LIC***01");
            assertThat(newest.reason()).isEqualTo("delivery_limit");
            assertThat(newest.deliveryCount()).isEqualTo(5);
            assertThat(newest.lastError()).isEqualTo("boom for LIC***01");
            assertThat(snapshot.summary().deadLetters()).isEqualTo(3);
        }

        @Test
        void aTaskDeadLetteredAgainMovesToTheTop() {
            TaskRequested a = task("a", KEY, Priority.NORMAL, T0);
            TaskRequested b = task("b", KEY, Priority.NORMAL, T0);
            board.deadLetter("a", deadLetter(a, null, null, T0));
            board.deadLetter("b", deadLetter(b, null, null, T0));
            board.deadLetter("a", deadLetter(a, null, null, T0.plusSeconds(1)));

            assertThat(board.snapshot(T0).deadLetters())
                    .extracting(DeadLetterRow::requestId)
                    .containsExactly("a", "b");
        }
    }

    @Test
    void theVersionGrowsOnlyWithChangesAndCatchingUpCountsOnce() {
        long start = board.version();
        board.presence("nobody", null);
        assertThat(board.version()).isEqualTo(start);

        board.markCaughtUp();
        board.markCaughtUp();

        assertThat(board.version()).isEqualTo(start + 1);
        assertThat(board.snapshot(T0).caughtUp()).isTrue();
    }
}
