package io.dsp.assetapi.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TaskViewTest {

    private static final Instant T0 = Instant.parse("2026-11-29T00:00:00Z");
    private static final TaskRequested TASK = TaskRequested.newBuilder()
            .setRequestId("r")
            .setLicenseKey("LIC")
            .setTaskType("heygem_submit")
            .setPayload(new DeleteAssetPayload(1L, null, null))
            .setRequestedAt(T0)
            .setOrigin(new TaskOrigin(TaskChannel.HTTP, null, null, null))
            .build();

    @Test
    void aRunningTaskShowsItsLatestStepAndProgress() {
        TaskView view = TaskView.of(life(
                at(TaskEventType.ACCEPTED, 0).build(),
                at(TaskEventType.STARTED, 2).setWorkerId("w1").build(),
                at(TaskEventType.PROGRESS, 3)
                        .setProgress(new TaskProgress("synthesizing", 40, "合成中", 100, 40))
                        .build()));

        assertThat(view.status()).isEqualTo("started");
        assertThat(view.done()).isFalse();
        assertThat(view.workerId()).isEqualTo("w1");
        assertThat(view.progress()).isEqualTo(40);
        assertThat(view.progressMessage()).isEqualTo("合成中");
    }

    @Test
    void stepsAreShownInTimeOrderEvenWhenTheyArriveOutOfOrder() {
        TaskView view = TaskView.of(life(
                at(TaskEventType.DISPATCHED, 1).build(),
                at(TaskEventType.ACCEPTED, 0).build()));

        assertThat(view.events()).extracting(TaskView.Step::type).containsExactly("accepted", "dispatched");
        assertThat(view.status()).isEqualTo("dispatched");
    }

    @Test
    void aTerminalStepWinsOverLateArrivals() {
        TaskView view = TaskView.of(life(
                at(TaskEventType.FAILED, 5)
                        .setError(new TaskError("BAD_PAYLOAD", "缺少 audio_hash 或 video_hash"))
                        .build(),
                at(TaskEventType.STARTED, 6).build()));

        assertThat(view.status()).isEqualTo("failed");
        assertThat(view.done()).isTrue();
        assertThat(view.errorMessage()).isEqualTo("缺少 audio_hash 或 video_hash");
    }

    @Test
    void aStaleOutcomeOfAnAttemptWhoseTaskWasHandedOnIsNotTheTasksEnd() {
        TaskView view = TaskView.of(life(
                at(TaskEventType.STARTED, 1)
                        .setWorkerId("w1")
                        .setDeliveryCount(1)
                        .build(),
                at(TaskEventType.STARTED, 40)
                        .setWorkerId("w2")
                        .setDeliveryCount(2)
                        .build(),
                at(TaskEventType.SUCCEEDED, 41)
                        .setWorkerId("w1")
                        .setDeliveryCount(1)
                        .setResultJson("{\"stale\":true}")
                        .build()));

        assertThat(view.status()).isEqualTo("started");
        assertThat(view.done()).isFalse();
        assertThat(view.result()).isNull();
    }

    @Test
    void aSucceededTaskCarriesItsResult() {
        TaskView view = TaskView.of(life(at(TaskEventType.SUCCEEDED, 1)
                .setResultJson("{\"id\":1,\"msg\":\"删除成功\"}")
                .build()));

        assertThat(view.result()).isEqualTo("{\"id\":1,\"msg\":\"删除成功\"}");
        assertThat(view.done()).isTrue();
    }

    @Test
    void aWaitingTaskShowsItsPlaceInItsLicensesQueue() {
        QueueFacts facts = QueueFacts.newBuilder()
                .setLicenseKey("LIC")
                .setWaiting(7)
                .setInFlight(3)
                .setOldestWaitingSince(T0)
                .setNextRequestIds(List.of("other-1", "r", "other-2"))
                .setAt(T0)
                .build();

        TaskView waiting = TaskView.of(life(at(TaskEventType.ACCEPTED, 0).build()), Optional.of(facts));
        TaskView running = TaskView.of(
                life(
                        at(TaskEventType.ACCEPTED, 0).build(),
                        at(TaskEventType.DISPATCHED, 1).build()),
                Optional.of(facts));

        assertThat(waiting.queuePosition()).isEqualTo(2);
        assertThat(waiting.waitingInQueue()).isEqualTo(7);
        assertThat(running.queuePosition()).isNull();
        assertThat(running.waitingInQueue()).isNull();
    }

    @Test
    void aWaitingTaskBeyondTheListedOnesHasNoPositionButTheQueueLength() {
        QueueFacts facts = QueueFacts.newBuilder()
                .setLicenseKey("LIC")
                .setWaiting(500)
                .setInFlight(3)
                .setNextRequestIds(List.of("a", "b"))
                .setAt(T0)
                .build();

        TaskView view = TaskView.of(life(at(TaskEventType.QUEUED, 0).build()), Optional.of(facts));

        assertThat(view.queuePosition()).isNull();
        assertThat(view.waitingInQueue()).isEqualTo(500);
    }

    private static TaskEvent.Builder at(TaskEventType type, int seconds) {
        return TaskEvents.about(TASK, type, "test", T0.plusSeconds(seconds));
    }

    private static TaskLife life(TaskEvent... events) {
        return new TaskLife("r", "LIC", "heygem_submit", List.of(events));
    }
}
