package io.dsp.core.ledger;

import static io.dsp.schemas.avro.TaskEventType.ACCEPTED;
import static io.dsp.schemas.avro.TaskEventType.CANCELLED;
import static io.dsp.schemas.avro.TaskEventType.DEAD_LETTERED;
import static io.dsp.schemas.avro.TaskEventType.DISPATCHED;
import static io.dsp.schemas.avro.TaskEventType.FAILED;
import static io.dsp.schemas.avro.TaskEventType.PROGRESS;
import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.core.support.TestTasks;
import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskHistoryTest {

    private final TaskRequested task = TestTasks.deleteAsset("req-1");
    private final TaskHistory history = new TaskHistory();

    @Test
    void aTaskNobodyStartedHasNoPriorAttempts() {
        apply(event(ACCEPTED, null), event(DISPATCHED, null));

        assertThat(history.prior()).isEqualTo(PriorAttempts.NONE);
    }

    @ParameterizedTest
    @EnumSource(
            value = TaskEventType.class,
            names = {"SUCCEEDED", "FAILED", "CANCELLED"})
    void aTaskThatEndedIsFinishedWithThatOutcome(TaskEventType end) {
        apply(event(STARTED, "w1"), event(end, "w1"));

        assertThat(history.prior()).isEqualTo(new PriorAttempts(end, 0, null));
        assertThat(history.prior().finished()).isTrue();
    }

    @Test
    void theFirstOutcomeStandsWhenALateDuplicateReportsAnother() {
        apply(event(STARTED, "w1"), event(SUCCEEDED, "w1"), event(FAILED, "w2"));

        assertThat(history.prior().outcome()).isEqualTo(SUCCEEDED);
    }

    @Test
    void anOutcomeOfAnAttemptWhoseTaskWasHandedOnAndStartedAgainDoesNotEndIt() {
        // w1 paused past its lock; the broker handed the task to w2, which started it; then w1 woke and reported
        boolean counted =
                applyAll(delivered(STARTED, "w1", 1), delivered(STARTED, "w2", 2), delivered(SUCCEEDED, "w1", 1));

        assertThat(counted).isFalse();
        assertThat(history.prior()).isEqualTo(new PriorAttempts(null, 2, "w2", 2));
        assertThat(history.apply(delivered(FAILED, "w2", 2))).isTrue();
        assertThat(history.prior().outcome()).isEqualTo(FAILED);
    }

    @Test
    void anOutcomeReportedBeforeTheNextHolderStartedEndsTheTask() {
        // the new holder finds it finished and never starts it
        applyAll(delivered(STARTED, "w1", 1), delivered(SUCCEEDED, "w1", 1));

        assertThat(history.prior().outcome()).isEqualTo(SUCCEEDED);
    }

    @Test
    void anAttemptThatStartedAndNeverEndedCountsAsAWorkerThatDied() {
        apply(event(STARTED, "w1"));

        assertThat(history.prior()).isEqualTo(new PriorAttempts(null, 1, "w1"));
        assertThat(history.prior().finished()).isFalse();
    }

    @Test
    void everyStartWithoutAnEndBeforeTheNextStartCountsAsADeath() {
        apply(event(STARTED, "w1"), event(STARTED, "w2"), event(STARTED, "w3"));

        assertThat(history.prior()).isEqualTo(new PriorAttempts(null, 3, "w3"));
    }

    @Test
    void aDeathIsTheTasksOwnDoingOnlyWhenItsAttemptRanAlone() {
        apply(alone(event(STARTED, "w1")), event(STARTED, "w2"));
        assertThat(history.prior().lastAbandonedAlone())
                .as("the open attempt, on w2, ran with other tasks")
                .isFalse();

        apply(alone(event(STARTED, "w3")));
        assertThat(history.prior()).isEqualTo(new PriorAttempts(null, 3, "w3", 0, true));

        apply(event(STARTED, "w4"));
        assertThat(history.prior()).isEqualTo(new PriorAttempts(null, 4, "w4", 0, false));
    }

    @Test
    void aRunAloneThatEndedLeavesTheEarlierDeathsAsTheyWere() {
        apply(event(STARTED, "w1"), event(STARTED, "w2"), alone(event(STARTED, "w3")), requeue("w3"));

        assertThat(history.prior()).isEqualTo(new PriorAttempts(null, 2, null, 0, false));
    }

    @Test
    void aDeadLetterForgetsThatADeathRanAlone() {
        apply(alone(event(STARTED, "w1")), alone(event(STARTED, "w2")), event(DEAD_LETTERED, "w3"));

        assertThat(history.prior()).isEqualTo(PriorAttempts.NONE);
    }

    @Test
    void anAttemptThatReleasedTheTaskForRetryDidNotDie() {
        apply(event(STARTED, "w1"), requeue("w1"), event(STARTED, "w2"), requeue("w2"));

        assertThat(history.prior()).isEqualTo(PriorAttempts.NONE);
    }

    @Test
    void aGiveBackFromAnAttemptWhoseTaskWasHandedOnLeavesTheNewerAttemptOpen() {
        // w1 lost its lock (a broker restart) while w2 took the task over and started it; w1 then said it gave up
        TaskEvent lostLock = requeue("w1");
        lostLock.setDeliveryCount(1);

        applyAll(delivered(STARTED, "w1", 1), delivered(STARTED, "w2", 2), lostLock);

        assertThat(history.prior()).isEqualTo(new PriorAttempts(null, 2, "w2", 2));
    }

    @Test
    void aGiveBackOfANewerDeliveryThatNeverStartedLeavesTheDeadWorkersAttemptOpen() {
        // w1 died running it; w2 took delivery 2 and gave it back before starting it (it was stopping)
        TaskEvent unstarted = requeue("w2");
        unstarted.setDeliveryCount(2);

        applyAll(delivered(STARTED, "w1", 1), unstarted);

        assertThat(history.prior()).isEqualTo(new PriorAttempts(null, 1, "w1", 1));
    }

    @Test
    void aGiveBackThatLandsBeforeTheNextStartClosesItsOwnAttempt() {
        TaskEvent lostLock = requeue("w1");
        lostLock.setDeliveryCount(1);

        applyAll(delivered(STARTED, "w1", 1), lostLock, delivered(STARTED, "w2", 2));

        assertThat(history.prior()).isEqualTo(new PriorAttempts(null, 1, "w2", 2));
    }

    @Test
    void aRunAloneItsGatewayLetGoOfStaysOpenForTheNextHolderButIsNoDeath() {
        // two deaths beside other tasks, then a run alone whose gateway stopped while its legacy worker ran it
        applyAll(delivered(STARTED, "w1", 1), delivered(STARTED, "w2", 2), alone(delivered(STARTED, "legacy", 3)));
        applyAll(letGo("legacy", 3));

        PriorAttempts prior = history.prior();
        assertThat(prior).isEqualTo(new PriorAttempts(null, 3, "legacy", 3, false, 1));
        assertThat(prior.deaths()).isEqualTo(2);
        assertThat(prior.openOn()).as("followed by the next holder (ADR 037)").contains("legacy");

        // and once the next holder starts it, the attempt let go of still counts as no death
        applyAll(delivered(STARTED, "w4", 4));
        assertThat(history.prior()).isEqualTo(new PriorAttempts(null, 4, "w4", 4, false, 1));
        assertThat(history.prior().deaths()).isEqualTo(3);
    }

    @Test
    void aLetGoLeavesTheLatestDeathAsItWas() {
        applyAll(alone(delivered(STARTED, "w1", 1)), alone(delivered(STARTED, "legacy", 2)), letGo("legacy", 2));

        assertThat(history.prior().lastAbandonedAlone())
                .as("w1 died running alone; the let-go run alone was no death")
                .isTrue();
        assertThat(history.prior().deaths()).isEqualTo(1);
    }

    @Test
    void aLetGoThatLandsAfterTheNextStartExcusesTheAttemptItNamesNotTheNewerOne() {
        // the gateway saw its lock lost only at its next renewal, after another worker had started the task
        applyAll(delivered(STARTED, "w0", 1), alone(delivered(STARTED, "legacy", 2)), delivered(STARTED, "w3", 3));
        assertThat(history.prior().deaths()).isEqualTo(3);

        applyAll(letGo("legacy", 2));

        PriorAttempts prior = history.prior();
        assertThat(prior).isEqualTo(new PriorAttempts(null, 3, "w3", 3, false, 1));
        assertThat(prior.deaths()).as("w0's and the open one on w3").isEqualTo(2);
        // once w3's attempt is given back, the latest death is w0's, which had company: not the let-go run alone
        applyAll(requeue("w3"));
        assertThat(history.prior()).isEqualTo(new PriorAttempts(null, 2, null, 3, false, 1));
    }

    @Test
    void aLetGoNamesItsAttemptByWorkerAsWellAsDelivery() {
        // a broker restart starts delivery counts again: w2's attempt has the let-go attempt's delivery count
        applyAll(delivered(STARTED, "legacy", 1), alone(delivered(STARTED, "w2", 1)), letGo("legacy", 1));

        PriorAttempts prior = history.prior();
        assertThat(prior).as("w2's attempt is not excused").isEqualTo(new PriorAttempts(null, 2, "w2", 1, true, 1));
        assertThat(prior.deaths()).isEqualTo(1);
        assertThat(TaskHistory.matters(letGo("legacy", 1))).isTrue();

        // and the same let-go again changes nothing
        applyAll(letGo("legacy", 1));
        assertThat(history.prior()).isEqualTo(prior);
    }

    @Test
    void aLetGoAfterTheTaskEndedChangesNothing() {
        applyAll(delivered(STARTED, "legacy", 1), delivered(SUCCEEDED, "legacy", 1), letGo("legacy", 1));

        assertThat(history.prior()).isEqualTo(new PriorAttempts(SUCCEEDED, 0, null, 1));
    }

    @Test
    void ordinaryProgressDoesNotEndAnAttempt() {
        TaskEvent progress = event(PROGRESS, "w1");
        progress.setProgress(new TaskProgress("queued", 3, "排队等待中... (第1位)", 0, 0));

        apply(event(STARTED, "w1"), progress);

        assertThat(history.prior()).isEqualTo(new PriorAttempts(null, 1, "w1"));
        assertThat(TaskHistory.matters(progress)).isFalse();
    }

    @Test
    void aDeadLetteredTaskIsNotFinishedSoThatARedriveRunsItWithACleanCount() {
        apply(event(STARTED, "w1"), event(STARTED, "w2"), event(DEAD_LETTERED, "w3"));

        assertThat(history.prior()).isEqualTo(PriorAttempts.NONE);
    }

    @Test
    void stepsBeforeTheWorkerAreNotKept() {
        assertThat(TaskHistory.matters(event(ACCEPTED, null))).isFalse();
        assertThat(TaskHistory.matters(event(DISPATCHED, null))).isFalse();
        assertThat(TaskHistory.matters(event(STARTED, "w1"))).isTrue();
        assertThat(TaskHistory.matters(event(CANCELLED, null))).isTrue();
        assertThat(TaskHistory.matters(requeue("w1"))).isTrue();
    }

    private void apply(TaskEvent... events) {
        for (TaskEvent event : events) {
            history.apply(event);
        }
    }

    /** Applies every event; whether the last one counted. */
    private boolean applyAll(TaskEvent... events) {
        boolean counted = true;
        for (TaskEvent event : events) {
            counted = history.apply(event);
        }
        return counted;
    }

    private TaskEvent delivered(TaskEventType type, String workerId, int delivery) {
        TaskEvent event = event(type, workerId);
        event.setDeliveryCount(delivery);
        return event;
    }

    private TaskEvent event(TaskEventType type, String workerId) {
        return TaskEvents.about(task, type, "test", Instant.now())
                .setWorkerId(workerId)
                .build();
    }

    private static TaskEvent alone(TaskEvent started) {
        started.setRanAlone(true);
        return started;
    }

    private TaskEvent letGo(String workerId, int delivery) {
        return TaskEvents.letGo(
                        TaskEvents.about(task, PROGRESS, "gateway", Instant.now())
                                .setWorkerId(workerId)
                                .setDeliveryCount(delivery),
                        "the gateway stopped while its worker ran it")
                .build();
    }

    private TaskEvent requeue(String workerId) {
        TaskEvent event = event(PROGRESS, workerId);
        event.setProgress(new TaskProgress("queued", 0, "重新排队: engine busy", 0, 0));
        event.setError(new TaskError("RETRY", "engine busy"));
        return event;
    }
}
