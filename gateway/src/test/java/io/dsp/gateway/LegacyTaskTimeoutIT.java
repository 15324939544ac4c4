package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.Gateways;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.gateway.support.Tasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A task whose legacy worker never answers ends {@code FAILED} ({@code TIMEOUT}) after its type's timeout, not after
 * the longest one: {@code ws_client.py} drops without a word a task it was handed before (spec 2.9), so a delete handed
 * again to the same process after its socket dropped would otherwise hold its slot for an hour. The worker may still run
 * such a task, so no run beside it counts as alone (ADR 038) until the worker answers it.
 */
class LegacyTaskTimeoutIT {

    static ConfigurableApplicationContext gateway;

    @BeforeAll
    static void startAGateway() {
        // the fallback stays at its default (1 h): only the type's own timeout can end it in time
        gateway = Gateways.start("gw-timeout-", Map.of("dsp.gateway.task-timeouts.delete_asset", "2s"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aDeleteItsWorkerNeverAnswersFailsAfterTheDeleteTimeout() {
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.HOLD)) {
            // given a legacy worker that takes tasks and never answers
            await().atMost(Duration.ofSeconds(30)).until(() -> KafkaProbe.legacySlotMembers() > 0);

            // when a delete reaches it
            TaskRequested task = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 71);
            KafkaProbe.dispatch(List.of(task));

            // then it was handed over, and ends FAILED with TIMEOUT once the delete's timeout has passed
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.requestIds().contains(task.getRequestId()));
            List<TaskEvent> ended = KafkaProbe.values(
                    Topics.TASK_EVENTS,
                    1,
                    Duration.ofSeconds(30),
                    e -> e.getRequestId().equals(task.getRequestId()) && e.getType() == TaskEventType.FAILED);
            assertThat(ended)
                    .singleElement()
                    .satisfies(e -> assertThat(e.getError().getCode()).isEqualTo("TIMEOUT"))
                    .satisfies(e -> assertThat(e.getError().getMessage()).contains("任务超时"));
        }
    }

    @Test
    void aRunBesideATaskItsWorkerMayStillRunPastItsTimeoutIsNotCountedAsAlone() {
        // given a legacy worker with one slot, so that each of its runs is alone while nothing else runs there
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(
                url(),
                Mode.SUCCEED,
                "{\"type\":\"register\",\"role\":\"worker\",\"version\":\"1.0\",\"slots\":1,"
                        + "\"task_types\":[\"delete_asset\",\"face_swap\"]}")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> KafkaProbe.legacySlotMembers() > 0);

            // and a delete it did not answer within the delete's timeout: the gateway let go of it (FAILED TIMEOUT),
            // while the worker may still be running it
            TaskRequested late = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 72);
            worker.hold(late.getRequestId());
            KafkaProbe.dispatch(List.of(late));
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            1,
                            Duration.ofSeconds(30),
                            e -> e.getRequestId().equals(late.getRequestId()) && e.getType() == TaskEventType.FAILED))
                    .singleElement();

            // when the next task starts there, it is not marked as running alone (ADR 038): if the worker dies now,
            // the delete may have killed it as well
            TaskRequested beside = Tasks.generic("LIC-" + UUID.randomUUID(), "face_swap", "{\"face\":\"f2\"}");
            KafkaProbe.dispatch(List.of(beside));
            assertThat(started(beside)).isNotEqualTo(Boolean.TRUE);

            // and once the worker has answered the delete after all, a run there is alone again
            worker.succeed(late.getRequestId());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.requestIds().contains(beside.getRequestId()));
            TaskRequested alone = Tasks.generic("LIC-" + UUID.randomUUID(), "face_swap", "{\"face\":\"f3\"}");
            KafkaProbe.dispatch(List.of(alone));
            assertThat(started(alone)).isTrue();
        }
    }

    /** {@code ranAlone} of the task's one STARTED. */
    private static Boolean started(TaskRequested task) {
        List<TaskEvent> started = KafkaProbe.values(
                Topics.TASK_EVENTS,
                1,
                Duration.ofSeconds(30),
                e -> e.getRequestId().equals(task.getRequestId()) && e.getType() == TaskEventType.STARTED);
        assertThat(started).as("STARTED of %s", task.getRequestId()).hasSize(1);
        return started.get(0).getRanAlone();
    }

    static String url() {
        return Gateways.url(gateway);
    }
}
