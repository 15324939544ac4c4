package io.dsp.gpuconsumer.slot;

import static io.dsp.schemas.avro.TaskEventType.PROGRESS;
import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gpuconsumer.GpuConsumerIntegrationTest;
import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.support.DispatchDriver;
import io.dsp.gpuconsumer.support.ExtraWorkers;
import io.dsp.gpuconsumer.support.TestHandlers;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskRequested;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two workers in the fleet's share group on a real broker: this test's worker and a second one started here. Every
 * task must run exactly once however the work is spread, and a worker that stops mid-task leaves its tasks to the
 * other.
 */
@GpuConsumerIntegrationTest
class FleetIT {

    @Autowired
    WorkerIdentity identity;

    DispatchDriver dispatch;
    ConfigurableApplicationContext second;

    @BeforeEach
    void watchTheFleet() {
        dispatch = new DispatchDriver();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (second != null) {
            second.close();
        }
        dispatch.close();
    }

    @Test
    void twoWorkersRunEachOfAThousandTasksExactlyOnce() {
        // given a second worker next to this test's one
        second = startWorker("gpu-it-second-" + UUID.randomUUID(), "30s");
        String license = "license-" + UUID.randomUUID();

        // when a thousand short tasks are released at once
        List<TaskRequested> tasks = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            tasks.add(dispatch.release(TestHandlers.sleeping(license, 0)));
        }

        // then every one succeeds once, having run once
        await().atMost(Duration.ofSeconds(50))
                .untilAsserted(() -> assertThat(tasks)
                        .allSatisfy(t -> assertThat(dispatch.eventTypes(t.getRequestId()))
                                .contains(SUCCEEDED)));
        assertThat(tasks).allSatisfy(t -> {
            assertThat(dispatch.eventTypes(t.getRequestId())).containsExactly(STARTED, SUCCEEDED);
            assertThat(TestHandlers.completedRuns(t.getRequestId())).isEqualTo(1);
        });
        // and both workers took part
        Set<String> workers = tasks.stream()
                .flatMap(t -> dispatch.events(t.getRequestId()).stream())
                .map(TaskEvent::getWorkerId)
                .collect(Collectors.toSet());
        assertThat(workers)
                .contains(identity.id(), second.getBean(WorkerIdentity.class).id());
    }

    @Test
    void tasksOfAWorkerStoppedMidTaskFinishOnTheOther() {
        // given a second worker that gives running tasks only half a second when it stops
        String secondId = "gpu-it-stopping-" + UUID.randomUUID();
        second = startWorker(secondId, "500ms");
        SlotPool secondSlots = second.getBean(SlotPool.class);
        String license = "license-" + UUID.randomUUID();

        // when long tasks are running on both workers and the second one stops
        List<TaskRequested> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tasks.add(dispatch.release(TestHandlers.sleeping(license, 3_000)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> secondSlots.inFlight() > 0);
        second.close();
        second = null;

        // then every task still ends once, having run to its end once
        await().atMost(Duration.ofSeconds(45))
                .untilAsserted(() -> assertThat(tasks)
                        .allSatisfy(t -> assertThat(dispatch.eventTypes(t.getRequestId()))
                                .contains(SUCCEEDED)));
        assertThat(tasks).allSatisfy(t -> {
            assertThat(dispatch.eventTypes(t.getRequestId()))
                    .filteredOn(type -> type == SUCCEEDED)
                    .hasSize(1);
            assertThat(TestHandlers.completedRuns(t.getRequestId())).isEqualTo(1);
        });
        // and what the stopping worker gave back it said it gave back, and this worker finished
        List<TaskRequested> handedOver = tasks.stream()
                .filter(t -> dispatch.events(t.getRequestId()).stream()
                        .anyMatch(e -> e.getType() == PROGRESS && secondId.equals(e.getWorkerId())))
                .toList();
        assertThat(handedOver).isNotEmpty().allSatisfy(t -> {
            List<TaskEvent> events = dispatch.events(t.getRequestId());
            assertThat(events).extracting(TaskEvent::getType).containsExactly(STARTED, PROGRESS, STARTED, SUCCEEDED);
            assertThat(events.get(1).getError().getCode()).isEqualTo("STOPPING");
            assertThat(events.get(3).getWorkerId()).isEqualTo(identity.id());
        });
    }

    private static ConfigurableApplicationContext startWorker(String workerId, String shutdownTimeout) {
        return ExtraWorkers.start(workerId, Map.of("dsp.gpu-consumer.shutdown-timeout", shutdownTimeout));
    }
}
