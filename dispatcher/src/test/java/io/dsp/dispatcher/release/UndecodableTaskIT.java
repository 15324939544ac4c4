package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.dispatcher.support.QuietFleetTest;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Groups;
import io.dsp.testkit.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A record in a tenant topic that is no task does not block the tenant's tasks behind it. */
@DispatcherIntegrationTest
class UndecodableTaskIT extends QuietFleetTest {

    @Test
    void skipsARecordThatIsNoTaskAndReleasesTheTasksBehindIt() throws Exception {
        // given bytes that are no task, then two tasks, in one tenant topic
        String license = FleetDriver.newLicense("garbage");
        fleet.submitGarbage(license, "not avro at all".getBytes(StandardCharsets.UTF_8));
        List<String> ids = fleet.submit(license, 2);

        // when a worker comes online
        fleet.announceWorker(5);

        // then both tasks are released and the group moves past all three records
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).containsExactlyElementsOf(ids));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(committedOffset(license)).isEqualTo(3));
    }

    /** The dispatcher group's committed offset in the license's topic; 0 when it has committed nothing. */
    private static long committedOffset(String license) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = KafkaTestBroker.get()
                .admin()
                .listConsumerGroupOffsets(Groups.DISPATCHER)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        OffsetAndMetadata offset = offsets.get(new TopicPartition(TenantTopics.topicName(license), 0));
        return offset == null ? 0 : offset.offset();
    }
}
