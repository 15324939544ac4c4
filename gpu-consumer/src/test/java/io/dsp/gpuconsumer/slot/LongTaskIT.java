package io.dsp.gpuconsumer.slot;

import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gpuconsumer.GpuConsumerIntegrationTest;
import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.gpuconsumer.support.DispatchDriver;
import io.dsp.gpuconsumer.support.SlowLedger;
import io.dsp.gpuconsumer.support.TestHandlers;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Groups;
import io.dsp.testkit.KafkaTestBroker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Tasks that run longer than the fleet group's acquisition lock, under a backlog, against a real broker: the slots
 * keep their locks by renewing them, so no task is handed to a second slot while it runs. The lock is shortened to
 * 2 s for this class (the broker's minimum here is 1 s); without renewal every 4 s task would be redelivered
 * mid-run.
 */
@GpuConsumerIntegrationTest
class LongTaskIT {

    private static final String LOCK = "share.record.lock.duration.ms";
    private static final long TASK_MILLIS = 4_000;

    @Autowired
    MeterRegistry meters;

    DispatchDriver dispatch;

    @BeforeEach
    void shortenTheFleetLock() throws Exception {
        setFleetLock(new AlterConfigOp(new ConfigEntry(LOCK, "2000"), AlterConfigOp.OpType.SET));
        dispatch = new DispatchDriver();
    }

    @AfterEach
    void restoreTheFleetLock() throws Exception {
        dispatch.close();
        setFleetLock(new AlterConfigOp(new ConfigEntry(LOCK, ""), AlterConfigOp.OpType.DELETE));
    }

    @Test
    void aBacklogOfTasksLongerThanTheLockRunsEachTaskOnceOnItsFirstDelivery() {
        // given
        double lostBefore = count(WorkerMetrics.LOCK_LOST);
        double ackErrorsBefore = count(WorkerMetrics.ACK_ERRORS);
        double renewalsBefore = count(WorkerMetrics.LOCK_RENEWALS);
        String license = "license-" + UUID.randomUUID();

        // when twice as many 4 s tasks as there are slots are released at once
        List<TaskRequested> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tasks.add(dispatch.release(TestHandlers.sleeping(license, TASK_MILLIS)));
        }

        // then each runs once, on its first delivery, and ends once
        await().atMost(Duration.ofSeconds(50))
                .untilAsserted(() -> assertThat(tasks)
                        .allSatisfy(t -> assertThat(dispatch.eventTypes(t.getRequestId()))
                                .containsExactly(STARTED, SUCCEEDED)));
        assertThat(tasks).allSatisfy(t -> {
            assertThat(TestHandlers.completedRuns(t.getRequestId())).isEqualTo(1);
            assertThat(dispatch.events(t.getRequestId()))
                    .extracting(TaskEvent::getDeliveryCount)
                    .containsOnly(1);
        });
        // because the locks were renewed, never lost, and every acknowledgement was taken
        assertThat(count(WorkerMetrics.LOCK_RENEWALS)).isGreaterThan(renewalsBefore);
        assertThat(count(WorkerMetrics.LOCK_LOST)).isEqualTo(lostBefore);
        assertThat(count(WorkerMetrics.ACK_ERRORS)).isEqualTo(ackErrorsBefore);

        // and nothing is delivered again afterwards
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(tasks)
                        .allSatisfy(t -> assertThat(dispatch.eventTypes(t.getRequestId()))
                                .hasSize(2)));
    }

    @Test
    void aLedgerLookUpSlowerThanTheLockKeepsTheTaskOnItsFirstDelivery() {
        // given a task whose ledger look-up takes 5 s against the 2 s lock (a ledger catching up)
        double lostBefore = count(WorkerMetrics.LOCK_LOST);
        TaskRequested task = TestHandlers.sleeping("license-" + UUID.randomUUID(), 100);
        SlowLedger.slowDown(task.getRequestId(), Duration.ofSeconds(5));

        // when it is released
        dispatch.release(task);

        // then the slot kept its lock through the look-up: one delivery, one run, one end
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED, SUCCEEDED));
        assertThat(dispatch.events(task.getRequestId()))
                .extracting(TaskEvent::getDeliveryCount)
                .containsOnly(1);
        assertThat(TestHandlers.completedRuns(task.getRequestId())).isEqualTo(1);
        assertThat(count(WorkerMetrics.LOCK_LOST)).isEqualTo(lostBefore);
    }

    private double count(String name) {
        Counter counter = meters.find(name).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void setFleetLock(AlterConfigOp op) throws Exception {
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, Groups.GPU_FLEET);
        KafkaTestBroker.get()
                .admin()
                .incrementalAlterConfigs(Map.of(group, List.of(op)))
                .all()
                .get(30, TimeUnit.SECONDS);
    }
}
