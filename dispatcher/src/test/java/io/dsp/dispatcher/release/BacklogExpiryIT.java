package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.dispatcher.support.QuietFleetTest;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.TopicTail;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tasks a tenant topic's retention deletes before the dispatcher releases them are never skipped silently: the lost
 * offsets become one {@code BACKLOG_EXPIRED} dead letter, and the tasks still in the log are released.
 */
@DispatcherIntegrationTest
class BacklogExpiryIT extends QuietFleetTest {

    private TopicTail<String, DeadLetter> deadLetters;

    @BeforeEach
    void watchDeadLetters() {
        deadLetters = TopicTail.fromEnd(Topics.DEAD_LETTERS);
    }

    @AfterEach
    void stopWatching() throws InterruptedException {
        deadLetters.close();
    }

    @Test
    void tasksDeletedBeforeTheirReleaseAreRecordedAsOneDeadLetterAndTheRestAreReleased() throws Exception {
        // given five tasks of a new tenant, the first three deleted (as retention does) before the dispatcher read any
        String license = FleetDriver.newLicense("expired");
        List<String> ids = fleet.submit(license, 5);
        TopicPartition tenant = new TopicPartition(TenantTopics.topicName(license), 0);
        KafkaTestBroker.get()
                .admin()
                .deleteRecords(Map.of(tenant, RecordsToDelete.beforeOffset(3)))
                .all()
                .get(30, TimeUnit.SECONDS);
        fleet.forget(ids.subList(0, 3));

        // when a worker comes online
        fleet.announceWorker(5);

        // then the two tasks still in the log are released
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).containsExactlyElementsOf(ids.subList(3, 5)));
        // and the lost range is one dead letter naming where the tasks were
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(deadLetters.records())
                        .filteredOn(r -> r.key().equals("lost-" + tenant.topic() + "-0-0-3"))
                        .singleElement()
                        .satisfies(r -> {
                            assertThat(r.value().getReason()).isEqualTo(DeadLetterReason.BACKLOG_EXPIRED);
                            assertThat(r.value().getSourceTopic()).isEqualTo(tenant.topic());
                            assertThat(r.value().getLastError()).startsWith("3 task(s) at offsets 0..2 of ");
                        }));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(committedOffset(tenant)).isEqualTo(5));
    }

    private static long committedOffset(TopicPartition tp) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = KafkaTestBroker.get()
                .admin()
                .listConsumerGroupOffsets(Groups.DISPATCHER)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        OffsetAndMetadata offset = offsets.get(tp);
        return offset == null ? 0 : offset.offset();
    }
}
