package io.dsp.gpuconsumer.slot;

import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.slot.OutcomeJournal;
import io.dsp.gpuconsumer.GpuConsumerIntegrationTest;
import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.gpuconsumer.support.DispatchDriver;
import io.dsp.gpuconsumer.support.ExtraWorkers;
import io.dsp.gpuconsumer.support.TestHandlers;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskRequested;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A worker stopped past its shutdown deadline while the outcome of a task it ran cannot be sent keeps that outcome on
 * disk, and records it when it starts again, before it takes any task: the task's next delivery then finds it ended
 * instead of running it a second time. The outcome is made unsendable by a producer whose {@code max.request.size} is
 * below the outcome's size (refused by the client, as an unreachable broker would refuse it, send after send).
 */
@GpuConsumerIntegrationTest
class OutcomeJournalIT {

    private static final Duration RUN = Duration.ofSeconds(30);

    @Autowired
    SlotPool slots;

    @TempDir
    Path dataDir;

    DispatchDriver dispatch;
    ConfigurableApplicationContext worker;

    @BeforeEach
    void onlyTheTestsWorkersTakeTasks() {
        dispatch = new DispatchDriver();
        // this module's shared worker would take the given-back task and, after its open-attempt wait, run it
        slots.drain();
        await().atMost(RUN).until(() -> slots.inFlight() == 0);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (worker != null) {
            worker.close();
        }
        slots.undrain();
        dispatch.close();
    }

    @Test
    void aWorkerStoppedBeforeItCouldRecordAnOutcomeRecordsItAtItsNextStartAndTheTaskDoesNotRunAgain()
            throws IOException {
        // given a worker whose outcomes of 8 KB cannot be sent, running a task with such an outcome
        String firstId = "gpu-it-journal-" + UUID.randomUUID();
        worker = startWorker(firstId, "4096");
        TaskRequested task = dispatch.release(TestHandlers.largeResult("license-" + UUID.randomUUID(), 8));
        MeterRegistry firstMeters = worker.getBean(MeterRegistry.class);
        await().atMost(RUN).until(() -> count(firstMeters, WorkerMetrics.OUTCOME_RESENDS) > 0);
        assertThat(TestHandlers.completedRuns(task.getRequestId())).isEqualTo(1);

        // when it is stopped (1 s shutdown timeout) while it keeps trying
        worker.close();
        worker = null;

        // then the outcome is kept on disk, and nothing says the task went back unrun
        assertThat(keptOutcomes()).hasSize(1);
        assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED);

        // when the worker starts again on the same data dir, able to send it now
        worker = startWorker("gpu-it-journal-again-" + UUID.randomUUID(), "1048576");

        // then the kept outcome is recorded as the first run's, the journal is empty, and the task's next delivery
        // is acknowledged as ended without running it again
        await().atMost(RUN)
                .untilAsserted(() ->
                        assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED, SUCCEEDED));
        List<TaskEvent> events = dispatch.events(task.getRequestId());
        assertThat(events.get(1).getWorkerId()).isEqualTo(firstId);
        assertThat(events.get(1).getDeliveryCount()).isEqualTo(events.get(0).getDeliveryCount());
        assertThat(events.get(1).getResultJson()).hasSize(8 * 1024 + 10);
        MeterRegistry secondMeters = worker.getBean(MeterRegistry.class);
        assertThat(count(secondMeters, WorkerMetrics.OUTCOME_JOURNAL)).isEqualTo(1);
        await().atMost(RUN)
                .untilAsserted(() -> assertThat(secondMeters
                                .find(WorkerMetrics.TASK_DECISIONS)
                                .tag("decision", "skip")
                                .counters())
                        .isNotEmpty());
        assertThat(keptOutcomes()).isEmpty();
        assertThat(TestHandlers.completedRuns(task.getRequestId())).isEqualTo(1);
        assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED, SUCCEEDED);
    }

    private List<OutcomeJournal.Entry> keptOutcomes() throws IOException {
        return new OutcomeJournal(dataDir).entries();
    }

    private static double count(MeterRegistry meters, String name) {
        return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private ConfigurableApplicationContext startWorker(String workerId, String maxRequestSize) {
        return ExtraWorkers.start(
                workerId,
                Map.of(
                        "dsp.data-dir",
                        dataDir.toString(),
                        "dsp.gpu-consumer.shutdown-timeout",
                        "1s",
                        "spring.kafka.producer.properties.max.request.size",
                        maxRequestSize));
    }
}
