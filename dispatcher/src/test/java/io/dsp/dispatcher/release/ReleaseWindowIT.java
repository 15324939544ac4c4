package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.dispatcher.support.QuietFleetTest;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Groups;
import io.dsp.testkit.KafkaTestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The release window against a real broker: tasks wait in their tenant topic while no worker is online, and the
 * dispatcher forwards exactly the free slots plus the prefetch (default 1) to {@code dsp.dispatch}.
 */
@DispatcherIntegrationTest
class ReleaseWindowIT extends QuietFleetTest {

    private static final Duration QUIET = Duration.ofSeconds(2);

    @Test
    void releasesNothingWhileNoWorkerIsOnline() throws Exception {
        // given
        String license = FleetDriver.newLicense("idle");
        List<String> ids = fleet.submit(license, 10);

        // when the dispatcher reads the tenant topic with no worker online
        fleet.awaitDispatcherReads(license);

        // then nothing is released, no DISPATCHED event is written, and the tasks stay as the group's lag
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(fleet.dispatched(ids)).isEmpty();
            assertThat(fleet.events(ids)).isEmpty();
        });
        assertThat(committedOffset(license)).isZero();
    }

    @Test
    void releasesExactlyTheFreeSlotsPlusPrefetchOnceAWorkerJoins() {
        // given ten tasks waiting
        String license = FleetDriver.newLicense("window");
        List<String> ids = fleet.submit(license, 10);
        fleet.awaitDispatcherReads(license);

        // when a worker with two slots comes online
        fleet.announceWorker(2);

        // then 2 slots + 1 prefetch = the first three, in tenant order, and no more
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(3));
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(2))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).containsExactlyElementsOf(ids.subList(0, 3)));

        // and each released task travels unchanged, with its DISPATCHED event from the dispatcher
        assertThat(fleet.dispatchedTasks(ids))
                .extracting(
                        TaskRequested::getLicenseKey,
                        TaskRequested::getTaskType,
                        t -> ((DeleteAssetPayload) t.getPayload()).getAssetId())
                .containsExactly(
                        tuple(license, "delete_asset", 1L),
                        tuple(license, "delete_asset", 2L),
                        tuple(license, "delete_asset", 3L));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(fleet.events(ids))
                        .filteredOn(e -> e.getType() == TaskEventType.DISPATCHED)
                        .extracting(TaskEvent::getRequestId)
                        .containsExactlyInAnyOrderElementsOf(ids.subList(0, 3)));
        assertThat(fleet.events(ids)).allSatisfy(e -> {
            assertThat(e.getSource()).isEqualTo("dispatcher");
            assertThat(e.getLicenseKey()).isEqualTo(license);
            assertThat(e.getTaskType()).isEqualTo("delete_asset");
        });
    }

    @Test
    void releasesOneMoreTaskForEachReleasedTaskThatEnds() {
        // given a two-slot worker and three of ten tasks released
        String license = FleetDriver.newLicense("terminal");
        List<String> ids = fleet.submit(license, 10);
        fleet.announceWorker(2);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(3));

        // when two of them succeed
        fleet.finish(ids.subList(0, 2), TaskEventType.SUCCEEDED);

        // then exactly two more are released, the next ones in tenant order
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(5));
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(2))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).containsExactlyElementsOf(ids.subList(0, 5)));

        // when one fails for good, then one more
        fleet.finish(ids.subList(2, 3), TaskEventType.FAILED);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).containsExactlyElementsOf(ids.subList(0, 6)));
    }

    @Test
    void releasesNothingMoreOnceTheLastWorkerLeaves() {
        // given a one-slot worker and two tasks released
        String license = FleetDriver.newLicense("leave");
        List<String> ids = fleet.submit(license, 6);
        String worker = fleet.announceWorker(1);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(2));

        // when the worker leaves, and only then its tasks end
        fleet.withdrawWorker(worker);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(view.liveSlots(Instant.now())).isZero());
        fleet.finish(ids.subList(0, 2), TaskEventType.SUCCEEDED);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(view.inFlight(Instant.now())).isZero());

        // then the window stays shut
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(2))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(2));
    }

    @Test
    void aReleasedTaskThatEndedWithoutAnEventStopsShuttingTheWindowOnceNoLiveWorkerHoldsIt() {
        // given a one-slot worker and two of four tasks released (1 slot + 1 prefetch)
        String license = FleetDriver.newLicense("reconcile");
        List<String> ids = fleet.submit(license, 4);
        fleet.announceWorkerHolding(1, List.of());
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(2));

        // when neither ever gets a terminal event and the worker, free, says it holds neither (the broker archived
        // them, say), then after reconcile-after (5 s here) the window opens again: the next two are released
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).containsExactlyElementsOf(ids));
        assertThat(view.forgotten()).isGreaterThanOrEqualTo(2);
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
