package io.dsp.core.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class TaskSubmissionTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final TraceContext TRACE = TraceContext.start();

    @Test
    void anAcceptedTaskIsItsRecordInItsPriorityTopicThenAcceptedWithOriginAndPriorityThenQueued() {
        TaskRequested task = task(Priority.HIGH);

        List<ProducerRecord<byte[], byte[]>> records =
                TaskSubmission.accepted(task, "gateway", NOW, true, TRACE).records();

        assertThat(records)
                .extracting(ProducerRecord::topic)
                .containsExactly(
                        TenantTopics.topicName("LIC-A", Priority.HIGH),
                        Topics.TASK_EVENTS.name(),
                        Topics.TASK_EVENTS.name());
        assertThat(records)
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsOnly("req-1");
        assertThat(TenantTopics.forTask(task).value(consumed(records.get(0)))).isEqualTo(task);
        TaskEvent accepted = Topics.TASK_EVENTS.value(consumed(records.get(1)));
        assertThat(accepted.getType()).isEqualTo(TaskEventType.ACCEPTED);
        assertThat(accepted.getSource()).isEqualTo("gateway");
        assertThat(accepted.getAt()).isEqualTo(NOW);
        assertThat(accepted.getOrigin()).isEqualTo(task.getOrigin());
        assertThat(accepted.getPriority()).isEqualTo(Priority.HIGH);
        TaskEvent queued = Topics.TASK_EVENTS.value(consumed(records.get(2)));
        assertThat(queued.getType()).isEqualTo(TaskEventType.QUEUED);
        assertThat(queued.getOrigin()).isNull();
    }

    @Test
    void everyRecordCarriesTheWritingHopsSpanOfTheTrace() {
        List<ProducerRecord<byte[], byte[]>> records = TaskSubmission.accepted(
                        task(Priority.NORMAL), "asset-api", NOW, true, TRACE)
                .records();

        assertThat(records)
                .allSatisfy(
                        r -> assertThat(TraceContext.fromHeaders(r.headers())).contains(TRACE));
    }

    @Test
    void withAWorkerOnlineNothingIsQueued() {
        List<ProducerRecord<byte[], byte[]>> records = TaskSubmission.accepted(
                        task(Priority.NORMAL), "asset-api", NOW, false, TRACE)
                .records();

        assertThat(records).hasSize(2);
        assertThat(records.get(0).topic()).isEqualTo(TenantTopics.topicName("LIC-A"));
    }

    @Test
    void aRequeuedTaskIsItsRecordAndQueuedOnly() {
        TaskSubmission again = TaskSubmission.requeued(task(Priority.NORMAL), "ops", NOW, TRACE);

        assertThat(again.records()).hasSize(2);
        assertThat(Topics.TASK_EVENTS.value(consumed(again.records().get(1))).getType())
                .isEqualTo(TaskEventType.QUEUED);
        assertThat(again.records())
                .allSatisfy(
                        r -> assertThat(TraceContext.fromHeaders(r.headers())).contains(TRACE));
    }

    private static TaskRequested task(Priority priority) {
        return TaskSubmission.task(
                "req-1",
                "LIC-A",
                "delete_asset",
                new DeleteAssetPayload(7L, null, null),
                priority,
                new TaskOrigin(TaskChannel.WEBSOCKET, "gateway-1", "3", "pc"),
                NOW);
    }

    private static ConsumerRecord<byte[], byte[]> consumed(ProducerRecord<byte[], byte[]> record) {
        return new ConsumerRecord<>(record.topic(), 0, 0, record.key(), record.value());
    }
}
