package io.dsp.gpuconsumer.control;

import static io.dsp.schemas.avro.TaskEventType.CANCELLED;
import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gpuconsumer.GpuConsumerIntegrationTest;
import io.dsp.gpuconsumer.support.DispatchDriver;
import io.dsp.gpuconsumer.support.TestHandlers;
import io.dsp.gpuconsumer.support.TestTasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskRequested;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Cancel commands on {@code dsp.task-control} against a real broker and a running worker: a running task stops and
 * ends CANCELLED once, a task cancelled before it reached the worker is never started, and a command sent with
 * another license's key changes nothing.
 */
@GpuConsumerIntegrationTest
class CancelIT {

    @Autowired
    Cancellations cancellations;

    DispatchDriver dispatch;

    @BeforeEach
    void startDriving() {
        dispatch = new DispatchDriver();
    }

    @AfterEach
    void stopDriving() throws InterruptedException {
        dispatch.close();
    }

    @Test
    void aCancelledRunningTaskOnTheSimulatedEngineStopsWithinSecondsAndEndsCancelledOnce() {
        // given an 8 s synthesis running on the simulated engine
        String license = "license-" + UUID.randomUUID();
        TaskRequested task = dispatch.release(TestTasks.heyGemSubmit(
                license, "0cc175b9c0f1b6a831c399e269772661", "92eb5ffee6ae2fec3ad71c777531578f"));
        String id = task.getRequestId();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(dispatch.eventTypes(id)).contains(STARTED));

        // when its license cancels it
        long cancelledAt = System.nanoTime();
        dispatch.cancel(id, license);

        // then it stops and ends CANCELLED, written by the worker
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(dispatch.eventTypes(id)).contains(CANCELLED));
        long stoppedMillis = (System.nanoTime() - cancelledAt) / 1_000_000;
        System.out.printf(
                "cancel: the running synthesis ended CANCELLED %d ms after the command was sent%n", stoppedMillis);
        TaskEvent cancelled = dispatch.events(id).stream()
                .filter(e -> e.getType() == CANCELLED)
                .findFirst()
                .orElseThrow();
        assertThat(cancelled.getSource()).isEqualTo("gpu-consumer");
        assertThat(cancelled.getWorkerId()).isEqualTo(GpuConsumerIntegrationTest.WORKER_ID);

        // and its result is discarded: it never succeeds, is never delivered again, and ends once
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(dispatch.eventTypes(id))
                        .doesNotContain(SUCCEEDED)
                        .containsOnlyOnce(STARTED, CANCELLED)
                        .last()
                        .isEqualTo(CANCELLED));
    }

    @Test
    void aTaskCancelledBeforeItReachesTheWorkerIsNeverStartedAndAnotherCopyIsSkipped() {
        // given a cancel the worker has read, for a task not released yet
        String license = "license-" + UUID.randomUUID();
        TaskRequested task = TestHandlers.sleeping(license, 500);
        String id = task.getRequestId();
        dispatch.cancel(id, license);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> cancellations.verdict(id, license) == Cancellations.Verdict.CANCELLED);

        // when the task reaches the worker
        dispatch.release(task);

        // then it is not started, only cancelled
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(dispatch.eventTypes(id)).containsExactly(CANCELLED));
        assertThat(TestHandlers.completedRuns(id)).isZero();

        // and a second copy (a duplicate forward) finds it finished in the ledger: nothing more is written
        dispatch.release(task);
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(dispatch.eventTypes(id)).containsExactly(CANCELLED));
        assertThat(TestHandlers.completedRuns(id)).isZero();
    }

    @Test
    void aCancelSentWithAnotherLicensesKeyIsIgnored() {
        // given a running task
        String owner = "license-" + UUID.randomUUID();
        TaskRequested task = dispatch.release(TestHandlers.sleeping(owner, 2_000));
        String id = task.getRequestId();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(dispatch.eventTypes(id)).contains(STARTED));

        // when another license asks to cancel it
        dispatch.cancel(id, "intruder-" + UUID.randomUUID());

        // then it runs to its end
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(dispatch.eventTypes(id)).containsExactly(STARTED, SUCCEEDED));
        assertThat(TestHandlers.completedRuns(id)).isEqualTo(1);
    }
}
