package io.dsp.gpuconsumer.drain;

import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gpuconsumer.GpuConsumerIntegrationTest;
import io.dsp.gpuconsumer.support.DispatchDriver;
import io.dsp.gpuconsumer.support.TestHandlers;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerAction;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.TopicTail;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Draining the worker through {@code dsp.worker-commands} against a real broker: it finishes what it runs, takes no new
 * task, says so in its presence (draining, nothing in flight), and takes tasks again once undrained.
 */
@GpuConsumerIntegrationTest
class DrainIT {

    private static final String WORKER = GpuConsumerIntegrationTest.WORKER_ID;

    DispatchDriver dispatch;
    TopicTail<String, WorkerPresence> presence;

    @BeforeEach
    void startDriving() {
        dispatch = new DispatchDriver();
        presence = TopicTail.fromEnd(Topics.WORKERS);
    }

    @AfterEach
    void leaveTheWorkerServing() throws InterruptedException {
        dispatch.command(WORKER, WorkerAction.UNDRAIN);
        await().atMost(Duration.ofSeconds(20)).until(() -> latest() != null && !latest().getDraining());
        dispatch.close();
        presence.close();
    }

    @Test
    void aDrainingWorkerTakesNoNewTaskAndReportsEmptyAfterItsInFlightWorkEndsThenUndrainResumes() throws Exception {
        // given a running 3 s task
        String license = "license-" + UUID.randomUUID();
        TaskRequested running = dispatch.release(TestHandlers.sleeping(license, 3_000));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(running.getRequestId())).contains(STARTED));

        // when the worker is told to drain
        long drainedAt = System.nanoTime();
        dispatch.command(WORKER, WorkerAction.DRAIN);

        // then it says draining at once, and its idle slots leave the share group (the busy one stays for its task)
        await().atMost(Duration.ofSeconds(20)).until(() -> latest() != null && latest().getDraining());
        await().atMost(Duration.ofSeconds(20)).until(() -> slotsInGroup() <= 1);

        // and a task released now is not taken
        TaskRequested waiting = dispatch.release(TestHandlers.sleeping(license, 100));

        // and once the running task ended, it reports empty: draining with nothing in flight
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(running.getRequestId())).containsExactly(STARTED, SUCCEEDED));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(latest()).satisfies(p -> {
                    assertThat(p.getDraining()).isTrue();
                    assertThat(p.getInFlight()).isZero();
                }));
        System.out.printf(
                "drain: worker reported empty %d ms after the DRAIN command%n",
                (System.nanoTime() - drainedAt) / 1_000_000);
        await().atMost(Duration.ofSeconds(20)).until(() -> slotsInGroup() == 0);
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(waiting.getRequestId())).isEmpty());

        // when it is undrained
        dispatch.command(WORKER, WorkerAction.UNDRAIN);

        // then it takes the waiting task and serves again
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(waiting.getRequestId())).containsExactly(STARTED, SUCCEEDED));
        await().atMost(Duration.ofSeconds(20)).until(() -> !latest().getDraining());
    }

    private WorkerPresence latest() {
        List<TopicTail.Received<String, WorkerPresence>> mine = presence.records().stream()
                .filter(r -> WORKER.equals(r.key()) && r.value() != null)
                .toList();
        return mine.isEmpty() ? null : mine.get(mine.size() - 1).value();
    }

    /** This worker's slots that are members of the fleet's share group now. */
    private long slotsInGroup() throws Exception {
        ShareGroupDescription group = KafkaTestBroker.get()
                .admin()
                .describeShareGroups(List.of(Groups.GPU_FLEET))
                .all()
                .get(10, TimeUnit.SECONDS)
                .get(Groups.GPU_FLEET);
        return group.members().stream()
                .filter(m -> m.clientId().startsWith(WORKER + "-slot-"))
                .count();
    }
}
