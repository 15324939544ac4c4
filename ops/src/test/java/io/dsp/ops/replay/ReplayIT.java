package io.dsp.ops.replay;

import static io.dsp.schemas.avro.TaskEventType.DISPATCHED;
import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherMetrics;
import io.dsp.ops.support.Cli;
import io.dsp.ops.support.Fleet;
import io.dsp.ops.support.Tenant;
import io.dsp.ops.task.TaskCopy;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.TopicTail;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A replay against the real dispatcher and worker: six tasks of a license were released, three finished, and the
 * releases of the other three were lost (their {@code dsp.dispatch} records are gone, as after a lost or truncated
 * dispatch topic). Replaying the window re-runs exactly those three, once, however often it is run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplayIT {

    private static final Duration LONG = Duration.ofSeconds(120);
    /** Short, so that the dispatcher stops counting the lost releases in flight within the test. */
    private static final String IN_FLIGHT_EXPIRY = "8s";

    private static ConfigurableApplicationContext dispatcher;
    private static ConfigurableApplicationContext worker;
    private static TopicTail<String, TaskEvent> events;

    @BeforeAll
    static void startTheDispatcherWithoutAWorker() {
        events = TopicTail.fromEnd(Topics.TASK_EVENTS);
        dispatcher = Fleet.dispatcher(Map.of("dsp.dispatcher.in-flight-expiry", IN_FLIGHT_EXPIRY));
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        Fleet.close(worker, dispatcher);
        events.close();
    }

    @Test
    @Order(1) // before any worker has joined: the lost releases must stay lost
    void replayOfAWindowRerunsExactlyTheUnfinishedTasksAndASecondReplayPublishesNothing() {
        // given six tasks of one license released to the fleet, three of which finished and three were lost
        String license = "replay-" + UUID.randomUUID();
        Instant from = Instant.now().minusSeconds(1);
        List<TaskRequested> finished = new ArrayList<>();
        List<TaskRequested> lost = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            finished.add(Fleet.deleteAsset(license, "del_asset_done_" + i + "_" + UUID.randomUUID(), 100 + i));
            lost.add(Fleet.deleteAsset(license, "del_asset_lost_" + i + "_" + UUID.randomUUID(), 200 + i));
        }
        List<TaskRequested> all = new ArrayList<>(finished);
        all.addAll(lost);
        String fakeWorker = "gpu-fake-" + UUID.randomUUID();
        presence(fakeWorker, true);
        Fleet.accept(all);
        await().atMost(LONG).untilAsserted(() -> assertThat(ids(DISPATCHED)).containsAll(ids(all)));
        presence(fakeWorker, false);
        List<TaskEvent> steps = new ArrayList<>();
        for (TaskRequested task : finished) {
            steps.add(step(task, STARTED, fakeWorker));
            steps.add(step(task, SUCCEEDED, fakeWorker));
        }
        Fleet.report(steps);
        deleteEverythingInTheDispatchTopic();
        // the dispatcher stops counting the lost releases in flight after its expiry
        await().atMost(LONG)
                .untilAsserted(
                        () -> assertThat(gauge(DispatcherMetrics.IN_FLIGHT)).isZero());
        Instant to = Instant.now();
        String window = "--license=" + license;

        // when the window is replayed as a dry run, then it says what it would do and writes nothing
        Cli.Result dry = Cli.run("replay", window, "--from=" + from, "--to=" + to, "--dry-run");
        assertThat(dry.code()).as(dry.toString()).isZero();
        assertThat(dry.out())
                .contains("6 task(s) in the window: 3 to republish, 0 to re-run under a new id, 3 ended")
                .contains("dry run: nothing written");
        lost.forEach(t -> assertThat(dry.out()).contains(t.getRequestId()));
        assertThat(replayCopies(license)).isEmpty();

        // when it is replayed, then exactly the unfinished tasks are republished under their own ids
        Cli.Result first = Cli.run("replay", window, "--from=" + from, "--to=" + to);
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.out()).contains("republished 3 task(s) in batch replay-");
        assertThat(replayCopies(license))
                .extracting(TaskCopy::requestId)
                .containsExactlyInAnyOrderElementsOf(ids(lost));

        // when it is replayed again before they ran, then nothing is republished twice
        Cli.Result second = Cli.run("replay", window, "--from=" + from, "--to=" + to);
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(second.out()).contains("3 already replayed").contains("nothing to republish");
        assertThat(replayCopies(license)).hasSize(3);

        // when a worker joins, then the replayed tasks run and the finished ones do not run again
        worker = Fleet.worker();
        await().atMost(LONG).untilAsserted(() -> assertThat(ids(SUCCEEDED)).containsAll(ids(lost)));
        for (TaskRequested task : finished) {
            assertThat(typesOf(task.getRequestId())).containsExactly(DISPATCHED, STARTED, SUCCEEDED);
        }
        for (TaskRequested task : lost) {
            assertThat(typesOf(task.getRequestId()))
                    .containsSubsequence(DISPATCHED, TaskEventType.QUEUED, DISPATCHED, STARTED, SUCCEEDED)
                    .containsOnlyOnce(SUCCEEDED);
        }

        // and a third replay finds every task of the window ended
        Cli.Result third = Cli.run("replay", window, "--from=" + from, "--to=" + to);
        assertThat(third.out())
                .contains("6 task(s) in the window: 0 to republish, 0 to re-run under a new id, 6 ended");
    }

    @Test
    @Order(2)
    void forcedReplayRerunsAFinishedTaskUnderANewIdWhichTheWorkerRuns() {
        // given a task that finished
        String license = "replay-force-" + UUID.randomUUID();
        Instant from = Instant.now().minusSeconds(1);
        TaskRequested task = Fleet.deleteAsset(license, "del_asset_" + UUID.randomUUID(), 300);
        Fleet.accept(List.of(task));
        Fleet.report(List.of(step(task, STARTED, "gpu-earlier"), step(task, SUCCEEDED, "gpu-earlier")));
        String rerun = task.getRequestId() + ":rerun-1";
        if (worker == null) {
            worker = Fleet.worker();
        }

        // when the window is replayed without and then with --force
        Cli.Result plain = Cli.run("replay", "--license=" + license, "--from=" + from);
        Cli.Result forced = Cli.run("replay", "--license=" + license, "--from=" + from, "--force");

        // then only the forced replay re-runs it, under a new id, and the new run succeeds
        assertThat(plain.out()).contains("1 ended").contains("nothing to republish");
        assertThat(forced.code()).as(forced.toString()).isZero();
        assertThat(forced.out()).contains("re-run").contains(rerun);
        await().atMost(LONG).untilAsserted(() -> assertThat(typesOf(rerun)).contains(SUCCEEDED));
        assertThat(Tenant.tasks(license))
                .filteredOn(c -> c.requestId().equals(rerun))
                .singleElement()
                .satisfies(c -> assertThat(c.task().getReplayOf()).startsWith("replay-"));
    }

    private static TaskEvent step(TaskRequested task, TaskEventType type, String workerId) {
        return TaskEvents.about(task, type, "gpu-consumer", Instant.now())
                .setWorkerId(workerId)
                .setDeliveryCount(1)
                .setResultJson(type == SUCCEEDED ? "{\"msg\":\"删除成功\"}" : null)
                .build();
    }

    private static void presence(String workerId, boolean live) {
        Instant now = Instant.now();
        WorkerPresence presence = live
                ? WorkerPresence.newBuilder()
                        .setWorkerId(workerId)
                        .setKind(WorkerKind.NATIVE)
                        .setLane("gpu")
                        .setSlots(10)
                        .setInFlight(0)
                        .setStartedAt(now)
                        .setHeartbeatAt(now)
                        .setHeartbeatIntervalMs(60_000)
                        .build()
                : null;
        Fleet.send(List.of(Topics.WORKERS.record(workerId, presence)));
    }

    private static void deleteEverythingInTheDispatchTopic() {
        var admin = KafkaTestBroker.get().admin();
        TopicPartition dispatch = new TopicPartition(Topics.DISPATCH.name(), 0);
        try {
            long end = admin.listOffsets(Map.of(dispatch, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .partitionResult(dispatch)
                    .get()
                    .offset();
            admin.deleteRecords(Map.of(dispatch, RecordsToDelete.beforeOffset(end)))
                    .all()
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double gauge(String name) {
        Gauge gauge = dispatcher.getBean(MeterRegistry.class).find(name).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private static List<TaskCopy> replayCopies(String license) {
        return Tenant.tasks(license).stream().filter(TaskCopy::isReplay).toList();
    }

    private static Set<String> ids(TaskEventType type) {
        return events.values().stream()
                .filter(e -> e.getType() == type)
                .map(TaskEvent::getRequestId)
                .collect(Collectors.toSet());
    }

    private static List<String> ids(List<TaskRequested> tasks) {
        return tasks.stream().map(TaskRequested::getRequestId).toList();
    }

    private static List<TaskEventType> typesOf(String requestId) {
        return events.values().stream()
                .filter(e -> e.getRequestId().equals(requestId))
                .map(TaskEvent::getType)
                .filter(t -> t != TaskEventType.ACCEPTED && t != TaskEventType.PROGRESS)
                .toList();
    }
}
