package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.gateway.support.Tasks;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.Services;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A bridged legacy slot consults the fleet's task ledger before it hands a task over, exactly as a native slot does: a
 * delivery of a task that already has an outcome in {@code dsp.task-events} is acknowledged and never reaches a legacy
 * worker (which cannot be asked whether it ran it).
 */
class LegacySlotLedgerIT {

    /** Ended on a native worker before the gateway started: only what the gateway read at start can know it. */
    static final TaskRequested ENDED_BEFORE_START = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 51);

    static ConfigurableApplicationContext gateway;

    @BeforeAll
    static void recordAnOutcomeThenStartAGateway() throws Exception {
        succeededOnANativeWorker(ENDED_BEFORE_START);
        gateway = Services.start(
                GatewayApplication.builder(),
                Map.of(
                        "dsp.gateway.node-id",
                        "gw-ledger-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aRedeliveredTaskThatEndedBeforeTheGatewayStartedIsAcknowledgedAndNeverHandedToALegacyWorker()
            throws Exception {
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
            long offset = dispatch(ENDED_BEFORE_START).offset();
            TaskRequested marker = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 52);
            dispatch(marker);

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> worker.requestIds().contains(marker.getRequestId()));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> !worker.requestIds().contains(ENDED_BEFORE_START.getRequestId()));
            // Acknowledged (the share group moved past it), not released for another delivery.
            await().atMost(Duration.ofSeconds(60)).until(() -> shareGroupStartOffset() > offset);
            assertThat(startedEvents(ENDED_BEFORE_START)).isZero();
        }
    }

    @Test
    void aTaskAnotherWorkerFinishedAMomentBeforeItsRedeliveryIsNeverHandedToALegacyWorker() throws Exception {
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
            TaskRequested task = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 53);
            // The outcome is in Kafka before the delivery: the slot's look at the ledger must see it, whatever its
            // view had read by then.
            succeededOnANativeWorker(task);
            long offset = dispatch(task).offset();
            TaskRequested marker = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 54);
            dispatch(marker);

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> worker.requestIds().contains(marker.getRequestId()));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> !worker.requestIds().contains(task.getRequestId()));
            await().atMost(Duration.ofSeconds(60)).until(() -> shareGroupStartOffset() > offset);
            assertThat(startedEvents(task)).isZero();
        }
    }

    @Test
    void aTaskWhoseEarlierWorkersAllWentAwayMidTaskIsQuarantinedNotHandedToALegacyWorker() throws Exception {
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
            // given a task two workers started and never ended (each went away with it)
            TaskRequested task = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 55);
            startedOn(task, "gpu-gone-1", 1);
            startedOn(task, "gpu-gone-2", 2);

            // when it is delivered again
            dispatch(task);
            TaskRequested marker = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 56);
            dispatch(marker);

            // then, after the wait for the last open attempt (10 s), it is dead-lettered as a task that kills
            // workers, and never reaches the legacy worker
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> worker.requestIds().contains(marker.getRequestId()));
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            1,
                            Duration.ofSeconds(45),
                            e -> e.getRequestId().equals(task.getRequestId())
                                    && e.getType() == TaskEventType.DEAD_LETTERED))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getError().getCode()).isEqualTo("KILLS_WORKERS"));
            assertThat(worker.requestIds()).doesNotContain(task.getRequestId());
        }
    }

    @Test
    void theViewsAndTheLedgerEachReportTheirHealth() {
        // DOWN while stalled (core's views), so a gateway whose feed stopped is taken out of service.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(gateway.getBeansOfType(HealthIndicator.class))
                        .containsKeys(
                                "stateViewHealthIndicator", "liveViewHealthIndicator", "taskLedgerHealthIndicator")
                        .allSatisfy((name, indicator) ->
                                assertThat(indicator.health().getStatus()).isEqualTo(Status.UP)));
    }

    static String url() {
        return "ws://127.0.0.1:"
                + ((WebServerApplicationContext) gateway).getWebServer().getPort() + "/dsp";
    }

    static void succeededOnANativeWorker(TaskRequested task) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(Topics.TASK_EVENTS.record(
                            task.getRequestId(),
                            TaskEvents.about(task, TaskEventType.SUCCEEDED, "gpu-consumer", Instant.now())
                                    .setWorkerId("gpu-native-1")
                                    .setResultJson("{}")
                                    .build()))
                    .get();
        }
    }

    static void startedOn(TaskRequested task, String workerId, int delivery) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(Topics.TASK_EVENTS.record(
                            task.getRequestId(),
                            TaskEvents.about(task, TaskEventType.STARTED, "gpu-consumer", Instant.now())
                                    .setWorkerId(workerId)
                                    .setDeliveryCount(delivery)
                                    .build()))
                    .get();
        }
    }

    static RecordMetadata dispatch(TaskRequested task) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            return producer.send(Topics.DISPATCH.record(task.getRequestId(), task))
                    .get();
        }
    }

    /** Where the fleet's share group stands on {@code dsp.dispatch}: every record below it is acknowledged or archived. */
    static long shareGroupStartOffset() throws Exception {
        TopicPartition partition = new TopicPartition(Topics.DISPATCH.name(), 0);
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers()))) {
            SharePartitionOffsetInfo info = admin.listShareGroupOffsets(Map.of(
                            Groups.GPU_FLEET, new ListShareGroupOffsetsSpec().topicPartitions(List.of(partition))))
                    .partitionsToOffsetInfo(Groups.GPU_FLEET)
                    .get()
                    .get(partition);
            return info == null ? -1 : info.startOffset();
        }
    }

    /** STARTED events of a task: a slot that handed it to a worker would have written one. */
    static int startedEvents(TaskRequested task) {
        return KafkaProbe.values(
                        Topics.TASK_EVENTS,
                        1,
                        Duration.ofSeconds(3),
                        e -> e.getRequestId().equals(task.getRequestId()) && e.getType() == TaskEventType.STARTED)
                .size();
    }

    static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }
}
