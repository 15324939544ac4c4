package io.dsp.assetapi.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WaitEstimatesTest {

    private static final Instant T0 = Instant.parse("2026-11-29T08:00:00Z");

    private final MutableClock clock = MutableClock.at(T0);
    private final ServiceTimes times = new ServiceTimes(new EstimateSettings(0.5, Duration.ofHours(1)), clock);

    @Test
    void theEstimateIsServiceTimeTimesPositionOverLiveSlotsRoundedUp() {
        assertThat(WaitEstimates.estimate(Optional.of(Duration.ofSeconds(60)), 3, 2))
                .isEqualTo(90L);
        assertThat(WaitEstimates.estimate(Optional.of(Duration.ofMillis(10_500)), 1, 4))
                .isEqualTo(3L);
        assertThat(WaitEstimates.estimate(Optional.of(Duration.ZERO), 5, 1)).isZero();
    }

    @Test
    void thereIsNoEstimateWithoutAnObservationAPositionOrALiveSlot() {
        assertThat(WaitEstimates.estimate(Optional.empty(), 3, 2)).isNull();
        assertThat(WaitEstimates.estimate(Optional.of(Duration.ofSeconds(60)), null, 2))
                .isNull();
        assertThat(WaitEstimates.estimate(Optional.of(Duration.ofSeconds(60)), 3, 0))
                .isNull();
        assertThat(times.typical("heygem_submit")).isEmpty();
    }

    @Test
    void serviceTimesAreAnExponentiallyWeightedAveragePerTypeThatAges() {
        times.observe("heygem_submit", Duration.ofSeconds(100));
        assertThat(times.typical("heygem_submit")).contains(Duration.ofSeconds(100));

        clock.set(T0.plusSeconds(60));
        times.observe("heygem_submit", Duration.ofSeconds(200));
        // alpha 0.5: 0.5 × 200 + 0.5 × 100
        assertThat(times.typical("heygem_submit")).contains(Duration.ofSeconds(150));
        // A type never seen borrows the average over all types.
        assertThat(times.typical("delete_asset")).contains(Duration.ofSeconds(150));

        times.observe("delete_asset", Duration.ofSeconds(2));
        assertThat(times.typical("delete_asset")).contains(Duration.ofSeconds(2));
        assertThat(times.typical("heygem_submit")).contains(Duration.ofSeconds(150));

        clock.set(T0.plusSeconds(60).plus(Duration.ofHours(1)));
        assertThat(times.typical("heygem_submit")).isEmpty();
    }

    @Test
    void aTaskThatStartedAndEndedIsObservedOnceEvenWhenItsLifeIsSeenAgain() {
        TaskRequested task = TaskRequested.newBuilder()
                .setRequestId("r1")
                .setLicenseKey("LIC")
                .setTaskType("heygem_submit")
                .setPayload(new DeleteAssetPayload(1L, null, null))
                .setRequestedAt(T0)
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, null, null, null))
                .build();
        TaskEvent accepted =
                TaskEvents.about(task, TaskEventType.ACCEPTED, "asset-api", T0).build();
        TaskEvent started = TaskEvents.about(task, TaskEventType.STARTED, "gpu", T0.plusSeconds(30))
                .build();
        TaskEvent succeeded = TaskEvents.about(task, TaskEventType.SUCCEEDED, "gpu", T0.plusSeconds(70))
                .build();

        times.onChange(life(accepted, started));
        assertThat(times.typical("heygem_submit")).isEmpty();
        times.observe("heygem_submit", Duration.ofSeconds(100));

        times.onChange(life(accepted, started, succeeded));
        times.onChange(life(accepted, started, succeeded));

        // Counted once: 0.5 × 40 + 0.5 × 100 (twice would give 55).
        assertThat(times.typical("heygem_submit")).contains(Duration.ofSeconds(70));
    }

    private static TaskLife life(TaskEvent... events) {
        return new TaskLife("r1", "LIC", "heygem_submit", List.of(events));
    }
}
