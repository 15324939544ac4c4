package io.dsp.gpuconsumer.presence;

import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gpuconsumer.GpuConsumerApplication;
import io.dsp.gpuconsumer.GpuConsumerIntegrationTest;
import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.slot.SlotPool;
import io.dsp.gpuconsumer.support.DispatchDriver;
import io.dsp.gpuconsumer.support.ExtraWorkers;
import io.dsp.gpuconsumer.support.TestHandlers;
import io.dsp.gpuconsumer.support.TestHandlers.GatedHandler;
import io.dsp.gpuconsumer.support.TestTasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.DspInfrastructureInitializer;
import io.dsp.testkit.TopicTail;
import io.dsp.testkit.TopicTail.Received;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

/** What a worker tells the fleet about itself on {@code dsp.workers}, against a real broker. */
@GpuConsumerIntegrationTest
class PresenceIT {

    @Autowired
    WorkerIdentity identity;

    @Autowired
    GatedHandler gated;

    TopicTail<String, WorkerPresence> workers;

    @AfterEach
    void stopWatching() throws InterruptedException {
        gated.open();
        if (workers != null) {
            workers.close();
        }
    }

    @Test
    void announcesItselfWithItsSlotsAndKeepsBeating() {
        // given the worker runs; when we read dsp.workers from the start
        workers = TopicTail.fromBeginning(Topics.WORKERS);

        // then it is there, live, with its three slots, and it beats every second
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(beats(identity.id()))
                        .extracting(WorkerPresence::getHeartbeatAt)
                        .doesNotHaveDuplicates()
                        .hasSizeGreaterThanOrEqualTo(2));
        WorkerPresence latest = latest(identity.id());
        assertThat(latest.getWorkerId()).isEqualTo(GpuConsumerIntegrationTest.WORKER_ID);
        assertThat(latest.getSlots()).isEqualTo(3);
        assertThat(latest.getKind()).isEqualTo(WorkerKind.NATIVE);
        assertThat(latest.getLane()).isEqualTo("gpu");
        assertThat(latest.getHost()).isEqualTo(identity.host());
        assertThat(latest.getDraining()).isFalse();
        assertThat(latest.getHeartbeatIntervalMs()).isEqualTo(1_000);
        assertThat(latest.getHeartbeatAt()).isAfter(Instant.now().minusSeconds(10));
        assertThat(latest.getStartedAt()).isBeforeOrEqualTo(latest.getHeartbeatAt());
    }

    @Test
    void countsAndNamesTheTaskItIsRunningInItsPresence() throws Exception {
        try (DispatchDriver dispatch = new DispatchDriver()) {
            // given a task that runs until we let it finish
            workers = TopicTail.fromEnd(Topics.WORKERS);
            gated.close();
            TaskRequested task =
                    dispatch.release(TestTasks.generic("license-" + UUID.randomUUID(), TestHandlers.GATED));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() ->
                            assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED));

            // then a beat says one task is in flight, and names it (the dispatcher reconciles with these)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                WorkerPresence beat = latest(identity.id());
                assertThat(beat.getInFlight()).isEqualTo(1);
                assertThat(beat.getHeld()).containsExactly(task.getRequestId());
            });

            // when it finishes, then a later beat says none
            gated.open();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() ->
                            assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED, SUCCEEDED));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                WorkerPresence beat = latest(identity.id());
                assertThat(beat.getInFlight()).isZero();
                assertThat(beat.getHeld()).isEmpty();
            });
        }
    }

    @Test
    void withdrawsItsPresenceWhenItStops() {
        // given a second worker that has announced itself
        workers = TopicTail.fromEnd(Topics.WORKERS);
        String workerId = "gpu-it-leaving-" + UUID.randomUUID();
        ConfigurableApplicationContext leaving = startWorker(workerId);
        try {
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(beats(workerId)).isNotEmpty());
            assertThat(latest(workerId).getSlots()).isEqualTo(1);
        } finally {
            // when it stops
            leaving.close();
        }

        // then the last word on it in dsp.workers is a tombstone
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Received<String, WorkerPresence>> about = about(workerId);
            assertThat(about).isNotEmpty();
            assertThat(about.get(about.size() - 1).value()).isNull();
        });
    }

    @Test
    void saysItIsDrainingWhileItsTasksFinishAndWithdrawsOnlyOnceTheyEnded() throws InterruptedException {
        try (DispatchDriver dispatch = new DispatchDriver()) {
            // given a second worker of one slot that gives a running task time to finish when it stops
            workers = TopicTail.fromEnd(Topics.WORKERS);
            String workerId = "gpu-it-draining-" + UUID.randomUUID();
            ConfigurableApplicationContext leaving = ExtraWorkers.start(
                    workerId, Map.of("dsp.gpu-consumer.max-concurrent", 1, "dsp.gpu-consumer.shutdown-timeout", "20s"));
            SlotPool leavingSlots = leaving.getBean(SlotPool.class);
            String license = "license-" + UUID.randomUUID();
            List<TaskRequested> tasks = new ArrayList<>();
            try {
                // and long tasks, one of them running there
                for (int i = 0; i < 6; i++) {
                    tasks.add(dispatch.release(TestHandlers.sleeping(license, 3_000)));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> leavingSlots.inFlight() > 0);
            } finally {
                // when it stops
                leaving.close();
            }

            // then while its task finished it beat as draining, naming the task; its last word is the tombstone
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(about(workerId))
                            .last()
                            .extracting(Received::value)
                            .isNull());
            List<Received<String, WorkerPresence>> about = about(workerId);
            List<WorkerPresence> draining = about.stream()
                    .map(Received::value)
                    .filter(beat -> beat != null
                            && beat.getDraining()
                            && beat.getInFlight() == 1
                            && !beat.getHeld().isEmpty())
                    .toList();
            assertThat(draining)
                    .as("beats saying the worker drains while its task still runs, before it is gone; all: %s", about)
                    .isNotEmpty();
            // and the task it ran ended there, once
            String ranThere = draining.get(0).getHeld().get(0);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(dispatch.events(ranThere))
                            .filteredOn(e -> e.getType() == SUCCEEDED)
                            .extracting(TaskEvent::getWorkerId)
                            .containsExactly(workerId));
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(tasks)
                            .allSatisfy(t -> assertThat(dispatch.eventTypes(t.getRequestId()))
                                    .contains(SUCCEEDED)));
        }
    }

    private static ConfigurableApplicationContext startWorker(String workerId) {
        Map<String, Object> properties = new HashMap<>(DspInfrastructureInitializer.properties());
        properties.put("server.port", 0);
        properties.put("dsp.gpu-consumer.worker-id", workerId);
        properties.put("dsp.gpu-consumer.max-concurrent", 1);
        properties.put("dsp.gpu-consumer.heartbeat-interval", "1s");
        properties.put("dsp.gpu-consumer.shutdown-timeout", "5s");
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return GpuConsumerApplication.builder().run(args);
    }

    private List<Received<String, WorkerPresence>> about(String workerId) {
        return workers.records().stream().filter(r -> workerId.equals(r.key())).toList();
    }

    private List<WorkerPresence> beats(String workerId) {
        return about(workerId).stream()
                .map(Received::value)
                .filter(v -> v != null)
                .toList();
    }

    private WorkerPresence latest(String workerId) {
        List<WorkerPresence> beats = beats(workerId);
        assertThat(beats).as("beats of %s", workerId).isNotEmpty();
        return beats.get(beats.size() - 1);
    }
}
