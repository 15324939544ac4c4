package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.dispatcher.support.QuietFleetTest;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.TopicTail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * High-priority tasks against a real broker: released before every normal task still waiting, its own tenant's
 * included, with the release window left as it is (nothing is released beyond free slots + prefetch to make room).
 */
@DispatcherIntegrationTest
class PriorityIT extends QuietFleetTest {

    @Test
    void aHighPriorityTaskSubmittedLastIsReleasedBeforeTheNormalTasksStillWaiting() throws Exception {
        // given 200 normal tasks of one tenant waiting on a one-slot fleet (one slot + one prefetch in flight)
        String license = FleetDriver.newLicense("busy");
        List<String> normal = fleet.submit(license, 200);
        fleet.awaitDispatcherReads(license);
        fleet.announceWorker(1);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(fleet.dispatched(normal)).hasSize(2));

        try (TopicTail<String, QueueFacts> facts = TopicTail.fromEnd(Topics.QUEUE_FACTS)) {
            // when the same tenant submits one high-priority task, last
            List<String> high = fleet.submit(license, 1, Priority.HIGH);
            long submittedAt = System.nanoTime();
            fleet.awaitDispatcherReadsTopics(TenantTopics.topicName(license, Priority.HIGH));
            // the dispatcher has read it once its queue facts list it (first, as the next to go)
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(facts.values())
                            .filteredOn(f -> f.getLicenseKey().equals(license))
                            .last()
                            .satisfies(f -> assertThat(f.getNextRequestIds()).startsWith(high.get(0))));
            int releasedBefore = fleet.dispatched(normal).size();

            // and the fleet finishes what it runs
            fleet.finish(fleet.dispatched(normal), TaskEventType.SUCCEEDED);

            // then the high task is the very next release, ahead of the 198 normal ones still waiting
            List<String> all = new ArrayList<>(normal);
            all.addAll(high);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(fleet.dispatched(high)).hasSize(1));
            long releasedMillis = (System.nanoTime() - submittedAt) / 1_000_000;
            List<String> order = fleet.dispatched(all);
            System.out.printf(
                    "priority: the high task was release #%d of %d, %d ms after it was submitted%n",
                    order.indexOf(high.get(0)) + 1, all.size(), releasedMillis);
            assertThat(order.indexOf(high.get(0))).isEqualTo(releasedBefore);
            assertThat(releasedBefore).isEqualTo(2);
            // and the release window held: one slot + one prefetch, nothing more
            assertThat(order).hasSizeLessThanOrEqualTo(releasedBefore + 2);
        }
    }

    @Test
    void aHighPriorityTaskOfAnotherTenantGoesAheadOfATenantsNormalBacklog() {
        // given a normal backlog of one tenant on a full one-slot fleet
        String flooder = FleetDriver.newLicense("flood");
        String urgent = FleetDriver.newLicense("urgent");
        List<String> normal = fleet.submit(flooder, 20);
        List<String> high = fleet.submit(urgent, 1, Priority.HIGH);
        fleet.awaitDispatcherReadsTopics(
                TenantTopics.topicName(flooder), TenantTopics.topicName(urgent, Priority.HIGH));

        // when a worker joins
        fleet.announceWorker(1);

        // then the high task is among the first two releases (slot + prefetch), whatever the turn order
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(fleet.dispatched(high)).hasSize(1));
        List<String> all = new ArrayList<>(normal);
        all.addAll(high);
        assertThat(fleet.dispatched(all).subList(0, 2)).contains(high.get(0));
    }
}
