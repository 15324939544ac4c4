package io.dsp.gpuconsumer.slot;

import static io.dsp.schemas.avro.TaskEventType.FAILED;
import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gpuconsumer.GpuConsumerIntegrationTest;
import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.gpuconsumer.assetstore.LocalAssetStore;
import io.dsp.gpuconsumer.support.DispatchDriver;
import io.dsp.gpuconsumer.support.TestHandlers;
import io.dsp.gpuconsumer.support.TestTasks;
import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskRequested;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A worker's slots against a real broker: what they run from {@code dsp.dispatch} and what they report. */
@GpuConsumerIntegrationTest
class TaskExecutionIT {

    /** The first share poll of a fresh slot takes about 5 s (join and assignment). */
    private static final Duration FIRST_RUN = Duration.ofSeconds(30);

    private static final Duration QUIET = Duration.ofSeconds(3);

    @Autowired
    WorkerIdentity identity;

    @Autowired
    LocalAssetStore store;

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
    void aTaskThatRunsPastItsTypesDeadlineIsStoppedAndEndsFailedOnce() {
        // given a task type whose deadline is 2 s (the harness), and a task that would run a minute
        double passedBefore = count(WorkerMetrics.DEADLINES_PASSED);
        TaskRequested task = TestTasks.generic("license-" + UUID.randomUUID(), TestHandlers.OVERRUNS);

        // when
        dispatch.release(task);

        // then it is stopped and ends FAILED with the reason, on its first delivery, never retried
        await().atMost(FIRST_RUN)
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED, FAILED));
        TaskEvent failed = dispatch.events(task.getRequestId()).get(1);
        assertThat(failed.getError().getCode()).isEqualTo("DEADLINE");
        assertThat(failed.getError().getMessage()).contains("2 秒");
        assertThat(failed.getDeliveryCount()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(TestHandlers.STOPPED_RUNS.get(task.getRequestId()))
                        .hasValue(1));
        assertThat(count(WorkerMetrics.DEADLINES_PASSED)).isEqualTo(passedBefore + 1);
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(2))
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(task.getRequestId())).hasSize(2));
    }

    @Test
    void runsDeleteAssetAndReportsStartedThenSucceededAsThisWorkerOnFirstDelivery() throws Exception {
        // given an asset with files on this host
        String license = "license-" + UUID.randomUUID();
        Path file = store.directory(license, 42).resolve("voice.wav");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "RIFF");

        // when
        TaskRequested task = dispatch.release(TestTasks.deleteAsset(license, 42));

        // then
        await().atMost(FIRST_RUN)
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED, SUCCEEDED));
        assertThat(dispatch.events(task.getRequestId())).allSatisfy(e -> {
            assertThat(e.getWorkerId()).isEqualTo(identity.id()).isEqualTo(GpuConsumerIntegrationTest.WORKER_ID);
            assertThat(e.getDeliveryCount()).isEqualTo(1);
            assertThat(e.getSource()).isEqualTo("gpu-consumer");
            assertThat(e.getLicenseKey()).isEqualTo(license);
            assertThat(e.getTaskType()).isEqualTo("delete_asset");
        });
        TaskEvent succeeded = dispatch.events(task.getRequestId()).get(1);
        assertThat(succeeded.getResultJson()).isEqualTo("{\"id\":42,\"msg\":\"删除成功\"}");
        assertThat(succeeded.getError()).isNull();
        assertThat(store.directory(license, 42)).doesNotExist();
    }

    @Test
    void failsAnUnknownTaskTypeOnceWithTheLegacyMessage() {
        // when
        TaskRequested task = dispatch.release(TestTasks.generic("license-" + UUID.randomUUID(), "make_coffee"));

        // then
        await().atMost(FIRST_RUN)
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED, FAILED));
        TaskEvent failed = dispatch.events(task.getRequestId()).get(1);
        assertThat(failed.getError()).isEqualTo(new TaskError("UNKNOWN_TASK_TYPE", "未知任务类型: make_coffee"));
        assertThat(failed.getDeliveryCount()).isEqualTo(1);
        assertThat(failed.getWorkerId()).isEqualTo(identity.id());

        // and it is not delivered again, nor dead-lettered
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(2))
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED, FAILED));
        assertThat(dispatch.deadLetters(task.getRequestId())).isEmpty();
    }

    @Test
    void failsADeleteAssetWithoutAnAssetIdWithoutRetrying() {
        TaskRequested task = dispatch.release(TestTasks.deleteAsset("license-" + UUID.randomUUID(), 0));

        await().atMost(FIRST_RUN)
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED, FAILED));
        assertThat(dispatch.events(task.getRequestId()).get(1).getError())
                .isEqualTo(new TaskError("BAD_PAYLOAD", "缺少 id 或 license_key"));
    }

    @Test
    void rejectsARecordThatIsNoTaskAndGoesOnWithTheNextTask() {
        // given
        double rejectedBefore = decisions("reject");

        // when
        dispatch.releaseGarbage("not a task".getBytes(StandardCharsets.UTF_8));
        TaskRequested next = dispatch.release(TestTasks.deleteAsset("license-" + UUID.randomUUID(), 5));

        // then
        await().atMost(FIRST_RUN).untilAsserted(() -> {
            assertThat(dispatch.eventTypes(next.getRequestId())).containsExactly(STARTED, SUCCEEDED);
            assertThat(decisions("reject")).isEqualTo(rejectedBefore + 1);
        });
    }

    @Test
    void runsATaskReleasedTwiceOnlyOnce() {
        // given the dispatcher forwarded one task twice
        TaskRequested task = TestTasks.deleteAsset("license-" + UUID.randomUUID(), 9);
        dispatch.release(task);
        dispatch.release(task);

        // then it runs once
        await().atMost(FIRST_RUN)
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(task.getRequestId())).contains(SUCCEEDED));
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(2))
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED, SUCCEEDED));
    }

    private double decisions(String decision) {
        Counter counter = meters.find(WorkerMetrics.TASK_DECISIONS)
                .tag("decision", decision)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private double count(String name) {
        return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
