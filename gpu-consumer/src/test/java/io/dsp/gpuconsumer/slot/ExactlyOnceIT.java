package io.dsp.gpuconsumer.slot;

import static io.dsp.schemas.avro.TaskEventType.CANCELLED;
import static io.dsp.schemas.avro.TaskEventType.DEAD_LETTERED;
import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gpuconsumer.GpuConsumerIntegrationTest;
import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.gpuconsumer.support.DispatchDriver;
import io.dsp.gpuconsumer.support.TestHandlers;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.OpenTransaction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The fleet-wide ledger against a real broker: the worker looks every task up in {@code dsp.task-events} before it
 * runs it. Steps "another worker" wrote are written here straight to the topic, exactly as that worker would have;
 * this worker never saw them happen, as after a restart.
 */
@GpuConsumerIntegrationTest
class ExactlyOnceIT {

    private static final Duration RUN = Duration.ofSeconds(30);
    private static final Duration QUIET = Duration.ofSeconds(3);

    @Autowired
    WorkerIdentity identity;

    @Autowired
    MeterRegistry meters;

    DispatchDriver dispatch;

    @BeforeEach
    void watchTheFleet() {
        dispatch = new DispatchDriver();
    }

    @AfterEach
    void stopWatching() throws InterruptedException {
        dispatch.close();
    }

    @Test
    void skipsAFinishedTaskThatIsReplayed() {
        // given a task this worker ran
        TaskRequested task = dispatch.release(TestHandlers.sleeping(license(), 10));
        await().atMost(RUN)
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED, SUCCEEDED));
        double skippedBefore = decisions("skip");

        // when it is released again (a replay)
        task.setReplayOf("replay-" + UUID.randomUUID());
        dispatch.release(task);

        // then it is acknowledged without running or reporting anything
        await().atMost(RUN).untilAsserted(() -> assertThat(decisions("skip")).isEqualTo(skippedBefore + 1));
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(2))
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED, SUCCEEDED));
        assertThat(TestHandlers.completedRuns(task.getRequestId())).isEqualTo(1);
    }

    @Test
    void skipsACopyOfATaskItJustEndedWhileAnOpenTransactionHidesItsOutcome() throws Exception {
        TaskRequested task = TestHandlers.sleeping(license(), 10);
        // A transaction left open on the task's partition of the events (a broker restart leaves such ones): the
        // ledger reads committed records only, so it sees nothing written there after it until it ends.
        try (OpenTransaction open = OpenTransaction.on(
                Topics.TASK_EVENTS,
                task.getRequestId(),
                event(task, TaskEventType.PROGRESS, "test", 1).build())) {
            // given the worker ran the task and recorded SUCCEEDED behind the open transaction
            double skippedBefore = decisions("skip");
            dispatch.release(task);
            await().atMost(RUN).until(() -> TestHandlers.completedRuns(task.getRequestId()) == 1);

            // when a copy of it comes back to this worker (a broker restart resets its delivery count to 1)
            dispatch.release(task);

            // then it is acknowledged without running again
            await().atMost(RUN)
                    .untilAsserted(() -> assertThat(decisions("skip")).isEqualTo(skippedBefore + 1));
            assertThat(TestHandlers.completedRuns(task.getRequestId())).isEqualTo(1);
        }
        // the aborted transaction's step aside, one run was reported
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(2))
                .untilAsserted(() -> assertThat(dispatch.eventTypes(task.getRequestId()))
                        .filteredOn(type -> type != TaskEventType.PROGRESS)
                        .containsExactly(STARTED, SUCCEEDED));
    }

    @Test
    void skipsATaskAnotherWorkerFinishedAlthoughThisWorkerNeverSawIt() {
        // given another worker ran the task and reported it, but its acknowledgement was lost
        TaskRequested task = TestHandlers.sleeping(license(), 10);
        write(event(task, STARTED, "gpu-elsewhere", 1));
        write(event(task, SUCCEEDED, "gpu-elsewhere", 1).setResultJson("{\"slept\":10}"));
        double skippedBefore = decisions("skip");

        // when the broker hands it to this worker
        dispatch.release(task);

        // then it does not run again and no second success is published
        await().atMost(RUN).untilAsserted(() -> assertThat(decisions("skip")).isEqualTo(skippedBefore + 1));
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(2))
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED, SUCCEEDED));
        assertThat(TestHandlers.completedRuns(task.getRequestId())).isZero();
    }

    @Test
    void runsATaskWhoseWorkerDiedMidTaskAndCountsTheDeathApartFromFailures() {
        // given a worker started the task and died without a word
        TaskRequested task = TestHandlers.sleeping(license(), 10);
        write(event(task, STARTED, "gpu-died", 1));
        double diedBefore = count(WorkerMetrics.WORKER_DIED);
        double failedBefore = decisions("fail");

        // when the task comes to this worker
        dispatch.release(task);

        // then it runs here and the death is counted, not as a failure
        await().atMost(RUN)
                .untilAsserted(() -> assertThat(dispatch.eventTypes(task.getRequestId()))
                        .containsExactly(STARTED, STARTED, SUCCEEDED));
        assertThat(dispatch.events(task.getRequestId()).get(2).getWorkerId()).isEqualTo(identity.id());
        assertThat(TestHandlers.completedRuns(task.getRequestId())).isEqualTo(1);
        assertThat(count(WorkerMetrics.WORKER_DIED)).isEqualTo(diedBefore + 1);
        assertThat(decisions("fail")).isEqualTo(failedBefore);
    }

    @Test
    void quarantinesATaskThatKilledItsWorkersTwiceTheLastTimeRunningAlone() {
        // given two workers started the task and died, the second running nothing else
        TaskRequested task = TestHandlers.sleeping(license(), 10);
        write(event(task, STARTED, "gpu-died-1", 1));
        write(event(task, STARTED, "gpu-died-2", 2).setRanAlone(true));

        // when it comes to this worker
        dispatch.release(task);

        // then it is dead-lettered as a worker killer without running
        await().atMost(RUN)
                .untilAsserted(() ->
                        assertThat(dispatch.deadLetters(task.getRequestId())).hasSize(1));
        DeadLetter letter = dispatch.deadLetters(task.getRequestId()).get(0);
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.KILLS_WORKERS);
        assertThat(letter.getTask()).isEqualTo(task);
        assertThat(letter.getWorkerId()).isEqualTo(identity.id());
        assertThat(letter.getLastError()).contains("gpu-died-2");
        await().atMost(RUN)
                .untilAsserted(() -> assertThat(dispatch.eventTypes(task.getRequestId()))
                        .containsExactly(STARTED, STARTED, DEAD_LETTERED));
        TaskEvent deadLettered = dispatch.events(task.getRequestId()).get(2);
        assertThat(deadLettered.getError().getCode()).isEqualTo("KILLS_WORKERS");
        assertThat(TestHandlers.completedRuns(task.getRequestId())).isZero();
    }

    @Test
    void runsATaskWhoseWorkersDiedWithOtherTasksOnThemAloneInsteadOfQuarantiningIt() {
        // given two workers died while running the task beside others: any of them may have killed the worker
        TaskRequested suspect = TestHandlers.sleeping(license(), 2_000);
        write(event(suspect, STARTED, "gpu-died-1", 1));
        write(event(suspect, STARTED, "gpu-died-2", 2));
        double runAloneBefore = count(WorkerMetrics.SUSPECTS_RUN_ALONE);

        // when it comes to this worker, and another task comes while it runs
        dispatch.release(suspect);
        await().atMost(RUN)
                .until(() -> dispatch.eventTypes(suspect.getRequestId()).size() == 3);
        TaskRequested neighbour = dispatch.release(TestHandlers.sleeping(license(), 10));

        // then it runs alone, saying so, and succeeds; the other task starts only once its run is over
        await().atMost(RUN)
                .untilAsserted(() -> assertThat(dispatch.eventTypes(suspect.getRequestId()))
                        .containsExactly(STARTED, STARTED, STARTED, SUCCEEDED));
        TaskEvent aloneStart = dispatch.events(suspect.getRequestId()).get(2);
        assertThat(aloneStart.getRanAlone()).isTrue();
        assertThat(aloneStart.getWorkerId()).isEqualTo(identity.id());
        assertThat(dispatch.deadLetters(suspect.getRequestId())).isEmpty();
        assertThat(count(WorkerMetrics.SUSPECTS_RUN_ALONE)).isEqualTo(runAloneBefore + 1);
        await().atMost(RUN)
                .untilAsserted(() -> assertThat(dispatch.eventTypes(neighbour.getRequestId()))
                        .containsExactly(STARTED, SUCCEEDED));
        TaskEvent neighbourStart = dispatch.events(neighbour.getRequestId()).get(0);
        assertThat(neighbourStart.getRanAlone()).isNull();
        assertThat(neighbourStart.getAt())
                .as("the neighbour starts after the suspect's 2 s run")
                .isAfterOrEqualTo(aloneStart.getAt().plusMillis(2_000));
    }

    @Test
    void endsASuspectCancelledWhileItWaitsForItsTurnWithoutRunningIt() {
        // given a long task runs on this worker
        String runningLicense = license();
        TaskRequested running = dispatch.release(TestHandlers.sleeping(runningLicense, 25_000));
        await().atMost(RUN)
                .until(() -> dispatch.eventTypes(running.getRequestId()).contains(STARTED));

        // and a suspect (two deaths beside other tasks) waits behind it for its turn alone, past its ledger wait
        String license = license();
        TaskRequested suspect = TestHandlers.sleeping(license, 10);
        write(event(suspect, STARTED, "gpu-died-5", 1));
        write(event(suspect, STARTED, "gpu-died-6", 2));
        dispatch.release(suspect);
        await().during(Duration.ofSeconds(12))
                .atMost(Duration.ofSeconds(13))
                .until(() -> dispatch.eventTypes(suspect.getRequestId()).size() == 2);

        // when its license cancels it
        dispatch.cancel(suspect.getRequestId(), license);

        // then it ends CANCELLED, never started here, while the long task still runs (not once its turn came)
        await().atMost(Duration.ofSeconds(8))
                .untilAsserted(() -> assertThat(dispatch.eventTypes(suspect.getRequestId()))
                        .containsExactly(STARTED, STARTED, CANCELLED));
        assertThat(dispatch.eventTypes(running.getRequestId())).containsExactly(STARTED);
        assertThat(TestHandlers.completedRuns(suspect.getRequestId())).isZero();

        dispatch.cancel(running.getRequestId(), runningLicense); // the next test's worker is idle again
        await().atMost(RUN)
                .until(() -> dispatch.eventTypes(running.getRequestId()).contains(CANCELLED));
    }

    @Test
    void runsADeadLetteredTaskAgainWhenItIsRedriven() {
        // given a task that was dead-lettered after killing workers
        TaskRequested task = TestHandlers.sleeping(license(), 10);
        write(event(task, STARTED, "gpu-died-1", 1));
        write(event(task, STARTED, "gpu-died-2", 2));
        write(event(task, DEAD_LETTERED, "gpu-elsewhere", 3).setError(new TaskError("KILLS_WORKERS", "twice")));

        // when an operator re-drives it
        task.setReplayOf("redrive-" + UUID.randomUUID());
        dispatch.release(task);

        // then it runs
        await().atMost(RUN)
                .untilAsserted(() -> assertThat(dispatch.eventTypes(task.getRequestId()))
                        .containsExactly(STARTED, STARTED, DEAD_LETTERED, STARTED, SUCCEEDED));
        assertThat(TestHandlers.completedRuns(task.getRequestId())).isEqualTo(1);
    }

    private static String license() {
        return "license-" + UUID.randomUUID();
    }

    private static TaskEvent.Builder event(TaskRequested task, TaskEventType type, String workerId, int delivery) {
        return TaskEvents.about(task, type, "gpu-consumer", Instant.now())
                .setWorkerId(workerId)
                .setDeliveryCount(delivery);
    }

    private void write(TaskEvent.Builder event) {
        dispatch.report(event.build());
    }

    private double decisions(String decision) {
        Counter counter = meters.find(WorkerMetrics.TASK_DECISIONS)
                .tag("decision", decision)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private double count(String name) {
        Counter counter = meters.find(name).counter();
        return counter == null ? 0 : counter.count();
    }
}
