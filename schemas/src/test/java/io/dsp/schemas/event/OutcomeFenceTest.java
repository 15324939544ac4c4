package io.dsp.schemas.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OutcomeFenceTest {

    private final OutcomeFence fence = new OutcomeFence();

    @Test
    void anOutcomeOfTheAttemptThatStartedLastCounts() {
        fence.apply(event(TaskEventType.STARTED, "gpu-a", 1));

        assertThat(fence.admits(event(TaskEventType.SUCCEEDED, "gpu-a", 1))).isTrue();
    }

    @Test
    void anOutcomeOfAnAttemptWhoseTaskWasHandedOnAndStartedAgainIsStale() {
        fence.apply(event(TaskEventType.STARTED, "gpu-a", 1));
        fence.apply(event(TaskEventType.STARTED, "gpu-b", 2));

        assertThat(fence.admits(event(TaskEventType.SUCCEEDED, "gpu-a", 1))).isFalse();
        assertThat(fence.admits(event(TaskEventType.FAILED, "gpu-a", 1))).isFalse();
        assertThat(fence.admits(event(TaskEventType.SUCCEEDED, "gpu-b", 2))).isTrue();
    }

    @Test
    void aCancellationIsTheOwnersWishAndIsNeverFenced() {
        fence.apply(event(TaskEventType.STARTED, "gpu-b", 2));

        assertThat(fence.admits(event(TaskEventType.CANCELLED, "gpu-a", 1))).isTrue();
    }

    @Test
    void aReleaseAfterADeadLetterCountsItsDeliveriesAfresh() {
        fence.apply(event(TaskEventType.STARTED, "gpu-a", 5));
        fence.apply(event(TaskEventType.DEAD_LETTERED, "gpu-a", 5));
        fence.apply(event(TaskEventType.STARTED, "gpu-b", 1));

        assertThat(fence.admits(event(TaskEventType.SUCCEEDED, "gpu-b", 1))).isTrue();
    }

    @Test
    void aReplayedReleaseThatStartsLaterCountsEvenWithALowerDelivery() {
        // an abandoned attempt on its third delivery, then the task released again by a replay
        fence.apply(event(TaskEventType.STARTED, "gpu-a", 3));
        fence.apply(event(TaskEventType.STARTED, "gpu-b", 1));

        assertThat(fence.admits(event(TaskEventType.SUCCEEDED, "gpu-b", 1))).isTrue();
    }

    @Test
    void anOutcomeWithoutADeliveryCountIsNeverFenced() {
        fence.apply(event(TaskEventType.STARTED, "gpu-b", 2));

        assertThat(fence.admits(event(TaskEventType.FAILED, null, null))).isTrue();
    }

    @Test
    void aTasksOutcomeIsItsFirstEndThatIsNotStale() {
        TaskEvent stale = event(TaskEventType.SUCCEEDED, "gpu-a", 1);
        TaskEvent end = event(TaskEventType.FAILED, "gpu-b", 2);

        assertThat(OutcomeFence.outcome(List.of(
                        event(TaskEventType.STARTED, "gpu-a", 1),
                        event(TaskEventType.STARTED, "gpu-b", 2),
                        stale,
                        end)))
                .contains(end);
        assertThat(OutcomeFence.outcome(List.of(event(TaskEventType.STARTED, "gpu-b", 2), stale)))
                .isEmpty();
    }

    private static TaskEvent event(TaskEventType type, String worker, Integer delivery) {
        return TaskEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRequestId("req-1")
                .setLicenseKey("license")
                .setTaskType("delete_asset")
                .setType(type)
                .setAt(Instant.parse("2026-12-04T10:00:00Z"))
                .setSource("test")
                .setWorkerId(worker)
                .setDeliveryCount(delivery)
                .build();
    }
}
