package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.dispatcher.support.QuietFleetTest;
import io.dsp.dispatcher.support.TestTasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A worker that dies on a task's last delivery records nothing, and the broker archives the task: the dispatcher that
 * released it, seeing no live worker hold it, asks the broker and records its end (issue 17, item 1: no silent end).
 */
@DispatcherIntegrationTest
class ArchivedTaskIT extends QuietFleetTest {

    @Test
    void aTaskTheBrokerArchivedWithNoOutcomeIsDeadLetteredOnceByTheDispatcher() {
        // given a one-slot worker that says it holds nothing, and one task released to the fleet
        String license = FleetDriver.newLicense("archived");
        List<String> ids = fleet.submit(license, 1);
        String workerId = fleet.announceWorkerHolding(1, List.of());
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(1));

        // when the broker archives it with no outcome (REJECT archives at once, as the end of a last delivery whose
        // worker died does); what else waits in the dispatch topic is taken and accepted, so the share group's start
        // offset can pass it
        try (ShareConsumer<byte[], byte[]> member = fleetMember()) {
            boolean archived = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!archived && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : member.poll(Duration.ofMillis(500))) {
                    TaskRequested task = Topics.DISPATCH.value(record);
                    boolean ours = ids.contains(task.getRequestId());
                    member.acknowledge(record, ours ? AcknowledgeType.REJECT : AcknowledgeType.ACCEPT);
                    archived |= ours;
                }
                member.commitSync();
            }
            assertThat(archived).as("the task reached the fleet's share group").isTrue();
            // The group's persisted start offset moves on with a later acknowledgement (traffic does that in a live
            // fleet): one more task, taken and accepted.
            String next = "after-" + ids.get(0);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            KafkaTestBroker.get().bootstrapServers()),
                    new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                producer.send(Topics.DISPATCH.record(next, TestTasks.deleteAsset(next, license, 2)));
            }
            boolean accepted = false;
            while (!accepted
                    && System.nanoTime() < deadline + Duration.ofSeconds(30).toNanos()) {
                for (ConsumerRecord<byte[], byte[]> record : member.poll(Duration.ofMillis(500))) {
                    member.acknowledge(record, AcknowledgeType.ACCEPT);
                    accepted |= next.equals(Topics.DISPATCH.value(record).getRequestId());
                }
                member.commitSync();
            }
        }

        // then the dispatcher records its end: one DEAD_LETTERED event and its dead letter
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(fleet.events(ids))
                        .extracting(TaskEvent::getType)
                        .contains(TaskEventType.DEAD_LETTERED));
        await().during(Duration.ofSeconds(6))
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(fleet.events(ids))
                        .filteredOn(e -> e.getType() == TaskEventType.DEAD_LETTERED)
                        .singleElement()
                        .satisfies(e -> {
                            assertThat(e.getError().getCode()).isEqualTo("DELIVERY_LIMIT");
                            assertThat(e.getError().getMessage()).contains("archived");
                        }));
        assertThat(fleet.deadLetters(ids))
                .singleElement()
                .satisfies(letter -> assertThat(letter.getTask().getRequestId()).isEqualTo(ids.get(0)));
        fleet.withdrawWorker(workerId);
    }

    @Test
    void aTaskWhoseLastDeliveryStartedOnAWorkerThatLeftTheGroupIsDeadLetteredInAQuietFleet() {
        // given a one-slot worker that says it holds nothing, and one task released to the fleet
        String license = FleetDriver.newLicense("last-delivery");
        List<String> ids = fleet.submit(license, 1);
        String workerId = fleet.announceWorkerHolding(1, List.of());
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(1));
        String holder = "gpu-" + UUID.randomUUID();

        try (ShareConsumer<byte[], byte[]> slot = fleetMember(holder + "-slot-0")) {
            slot.poll(Duration.ofMillis(500));
            // when its last delivery (the broker's fifth) started on a worker whose presence names nothing, and nothing
            // is acknowledged, so the share group's start offset never passes it
            fleet.started(ids.get(0), holder, 5);

            // then, while a slot of that worker is still a member of the share group, the task is left alone: a
            // worker whose presence is late may still be running it
            await().during(Duration.ofSeconds(12))
                    .atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(fleet.events(ids))
                            .extracting(TaskEvent::getType)
                            .doesNotContain(TaskEventType.DEAD_LETTERED));
        }

        // and once the worker has left the group, the dispatcher records its end: one DEAD_LETTERED event naming it
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(fleet.events(ids))
                        .extracting(TaskEvent::getType)
                        .contains(TaskEventType.DEAD_LETTERED));
        await().during(Duration.ofSeconds(6))
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(fleet.events(ids))
                        .filteredOn(e -> e.getType() == TaskEventType.DEAD_LETTERED)
                        .singleElement()
                        .satisfies(e -> {
                            assertThat(e.getError().getCode()).isEqualTo("DELIVERY_LIMIT");
                            assertThat(e.getError().getMessage()).contains(holder);
                        }));
        assertThat(fleet.deadLetters(ids)).hasSize(1);
        fleet.withdrawWorker(workerId);
    }

    private static ShareConsumer<byte[], byte[]> fleetMember() {
        return fleetMember("archived-it-member");
    }

    private static ShareConsumer<byte[], byte[]> fleetMember(String clientId) {
        Map<String, Object> config = new HashMap<>(Lane.GPU.slotConsumer());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers());
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        ShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(config);
        consumer.subscribe(List.of(Topics.DISPATCH.name()));
        return consumer;
    }
}
