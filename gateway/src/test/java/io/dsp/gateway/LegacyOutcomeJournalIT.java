package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.slot.OutcomeJournal;
import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.Gateways;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.gateway.support.Tasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A gateway stopped past its shutdown timeout while the outcome a legacy worker reached cannot be recorded keeps that
 * outcome on disk, and records it when it starts again, before its slots take any task: the task's next delivery then
 * finds it ended instead of handing it to a legacy worker a second time (ADR 032). The outcome is made unsendable by a
 * producer whose {@code max.request.size} is below its size (refused by the client send after send, as an unreachable
 * broker would refuse it).
 */
class LegacyOutcomeJournalIT {

    private static final Duration RUN = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    ConfigurableApplicationContext gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aGatewayStoppedBeforeItCouldRecordALegacyOutcomeRecordsItAtItsNextStartAndTheTaskIsNotHandedOverAgain()
            throws IOException {
        // given a gateway whose outcomes of 8 KB cannot be sent, and a legacy worker that answers a task with one
        gateway = start("4096");
        TaskRequested task = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 61);
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.HOLD)) {
            worker.hold(task.getRequestId());
            KafkaProbe.dispatch(List.of(task));
            await().atMost(RUN).until(() -> worker.requestIds().contains(task.getRequestId()));
            worker.send(largeResult(worker.jobs().stream()
                    .filter(j -> j.path("request_id").asString().equals(task.getRequestId()))
                    .findFirst()
                    .orElseThrow()));
            MeterRegistry firstMeters = gateway.getBean(MeterRegistry.class);
            await().atMost(RUN).until(() -> count(firstMeters, MetricNames.LEGACY_OUTCOME_RESENDS) > 0);

            // when the gateway is stopped (1 s shutdown timeout) while its slot keeps trying
            gateway.close();
            gateway = null;
        }

        // then the outcome is kept on disk, and nothing says the task went back unrun
        assertThat(keptOutcomes()).hasSize(1);
        List<TaskEvent> before = events(task, 2, Duration.ofSeconds(3));
        assertThat(before).extracting(TaskEvent::getType).containsExactly(TaskEventType.STARTED);

        // when a gateway starts again on the same data dir, able to send it now, with a worker to hand tasks to
        gateway = start("1048576");
        try (FakeLegacyWorker again = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
            // then the kept outcome is recorded as the first run's
            List<TaskEvent> events = events(task, 2, RUN);
            assertThat(events)
                    .extracting(TaskEvent::getType)
                    .containsExactly(TaskEventType.STARTED, TaskEventType.SUCCEEDED);
            assertThat(events.get(1).getWorkerId()).isEqualTo(events.get(0).getWorkerId());
            assertThat(events.get(1).getDeliveryCount()).isEqualTo(events.get(0).getDeliveryCount());
            assertThat(events.get(1).getResultJson()).contains("x".repeat(8 * 1024));
            MeterRegistry secondMeters = gateway.getBean(MeterRegistry.class);
            assertThat(secondMeters
                            .counter(MetricNames.LEGACY_OUTCOME_JOURNAL, "step", "replayed")
                            .count())
                    .isEqualTo(1);
            assertThat(keptOutcomes()).isEmpty();

            // and the task's next delivery is acknowledged as ended, never handed to the new worker
            TaskRequested marker = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 62);
            KafkaProbe.dispatch(List.of(marker));
            await().atMost(RUN).until(() -> again.requestIds().contains(marker.getRequestId()));
            assertThat(again.requestIds()).doesNotContain(task.getRequestId());
            assertThat(events(task, 3, Duration.ofSeconds(3)))
                    .extracting(TaskEvent::getType)
                    .containsExactly(TaskEventType.STARTED, TaskEventType.SUCCEEDED);
        }
    }

    /** The worker's {@code gpu.job.result} for a job, its result carrying 8 KB. */
    private static String largeResult(JsonNode job) {
        return "{\"type\":\"gpu.job.result\",\"task_type\":\""
                + job.path("task_type").asString()
                + "\",\"request_id\":\"" + job.path("request_id").asString()
                + "\",\"key\":\"" + job.path("key").asString()
                + "\",\"sender_fd\":" + job.path("sender_fd").asLong()
                + ",\"error\":false,\"result\":{\"id\":61,\"msg\":\"" + "x".repeat(8 * 1024) + "\"}}";
    }

    private static List<TaskEvent> events(TaskRequested task, int atMost, Duration within) {
        return KafkaProbe.values(
                Topics.TASK_EVENTS, atMost, within, e -> e.getRequestId().equals(task.getRequestId()));
    }

    private ConfigurableApplicationContext start(String maxRequestSize) {
        return Gateways.start(
                "gw-journal-",
                Map.of(
                        "dsp.data-dir",
                        dataDir.toString(),
                        "dsp.gateway.shutdown-timeout",
                        "1s",
                        "dsp.gateway.max-frame-bytes",
                        "65536",
                        "spring.kafka.producer.properties.max.request.size",
                        maxRequestSize));
    }

    private String url() {
        return Gateways.url(gateway);
    }

    private List<OutcomeJournal.Entry> keptOutcomes() throws IOException {
        return new OutcomeJournal(dataDir).entries();
    }

    private static double count(MeterRegistry meters, String name) {
        return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
