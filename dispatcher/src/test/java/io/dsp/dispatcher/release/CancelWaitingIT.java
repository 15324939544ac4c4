package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.fleet.FleetView;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.dispatcher.support.QuietFleetTest;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.tenant.TenantTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cancel commands for waiting tasks against a real broker: the dispatcher skips a task its own license cancelled
 * (never released, one CANCELLED event, its offset committed in the same turn), even while no worker is online, and
 * ignores a command sent with another license's key.
 */
@DispatcherIntegrationTest
class CancelWaitingIT extends QuietFleetTest {

    @Test
    void aCancelledQueuedTaskIsNeverReleasedAndEndsCancelledOnce() {
        // given three waiting tasks, the second cancelled by its own license
        String license = FleetDriver.newLicense("cancel");
        List<String> ids = fleet.submit(license, 3);
        fleet.awaitDispatcherReads(license);
        String cancelled = ids.get(1);
        fleet.cancel(cancelled, license);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> view.cancelVerdict(cancelled, license) == FleetView.CancelVerdict.CANCELLED);

        // when a roomy worker joins
        fleet.announceWorker(10);

        // then the others are released, the cancelled one never, and it ends CANCELLED, written once by the dispatcher
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).containsExactly(ids.get(0), ids.get(2)));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(cancelledEvents(cancelled)).hasSize(1));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
            assertThat(fleet.dispatched(List.of(cancelled))).isEmpty();
            assertThat(cancelledEvents(cancelled)).hasSize(1);
            assertThat(fleet.events(List.of(cancelled)))
                    .extracting(TaskEvent::getType)
                    .containsExactly(TaskEventType.CANCELLED);
        });
        assertThat(cancelledEvents(cancelled).get(0).getSource()).isEqualTo("dispatcher");
        assertThat(cancelledEvents(cancelled).get(0).getLicenseKey()).isEqualTo(license);
    }

    @Test
    void aCancelledQueuedTaskEndsCancelledOnceWhileNoWorkerIsEverOnline() {
        // given four waiting tasks of one license and no worker online (GPUs off overnight): three normal, one high
        String license = FleetDriver.newLicense("offline");
        List<String> normal = fleet.submit(license, 3);
        List<String> high = fleet.submit(license, 1, Priority.HIGH);
        fleet.awaitDispatcherReadsTopics(
                TenantTopics.topicName(license), TenantTopics.topicName(license, Priority.HIGH));
        List<String> all = new ArrayList<>(normal);
        all.addAll(high);

        // when the owner cancels the first two normal tasks and the high one, and no worker ever joins
        List<String> cancelled = List.of(normal.get(0), normal.get(1), high.get(0));
        cancelled.forEach(id -> fleet.cancel(id, license));

        // then each ends CANCELLED, written once by the dispatcher, with the fleet still empty
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String id : cancelled) {
                assertThat(cancelledEvents(id)).as(id).hasSize(1);
            }
        });
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
            assertThat(view.liveSlots(Instant.now())).as("live slots").isZero();
            assertThat(fleet.dispatched(all)).isEmpty();
            for (String id : cancelled) {
                assertThat(fleet.events(List.of(id)))
                        .as(id)
                        .extracting(TaskEvent::getType, TaskEvent::getSource)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(TaskEventType.CANCELLED, "dispatcher"));
            }
            // and the task nobody cancelled keeps waiting for a GPU, untouched
            assertThat(fleet.events(List.of(normal.get(2)))).isEmpty();
        });
    }

    @Test
    void aCancelSentWithAnotherLicensesKeyIsIgnored() {
        // given a waiting task, and a cancel of it sent with another license's key
        String owner = FleetDriver.newLicense("owner");
        String intruder = FleetDriver.newLicense("intruder");
        List<String> ids = fleet.submit(owner, 1);
        fleet.awaitDispatcherReads(owner);
        fleet.cancel(ids.get(0), intruder);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> view.cancelVerdict(ids.get(0), owner) == FleetView.CancelVerdict.FOREIGN_ONLY);

        // when a worker joins
        fleet.announceWorker(1);

        // then the task is released as usual, and nobody says it was cancelled
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(1));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(fleet.events(ids))
                        .extracting(TaskEvent::getType)
                        .containsExactly(TaskEventType.DISPATCHED));
    }

    private List<TaskEvent> cancelledEvents(String requestId) {
        return fleet.events(List.of(requestId)).stream()
                .filter(e -> e.getType() == TaskEventType.CANCELLED)
                .toList();
    }
}
