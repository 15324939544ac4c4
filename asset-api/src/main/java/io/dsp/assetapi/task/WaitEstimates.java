package io.dsp.assetapi.task;

import io.dsp.assetapi.fleet.FleetStatus;
import java.time.Duration;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The estimated wait of a waiting task: its type's typical service time × its queue position ÷ the fleet's live slots
 * (not draining). The position is within its license's queue (the dispatcher's queue facts), so other licenses' work
 * sharing the fleet is not counted: a lower bound under contention. Null when there is nothing to estimate from: no
 * service time observed yet, no known position, or no live slot (the fleet is off; a boot takes minutes more).
 */
@Component
public class WaitEstimates {

    private final ServiceTimes serviceTimes;
    private final FleetStatus fleet;

    WaitEstimates(ServiceTimes serviceTimes, FleetStatus fleet) {
        this.serviceTimes = serviceTimes;
        this.fleet = fleet;
    }

    /** The estimate for this view of a task, or null. */
    public Long secondsFor(TaskView view) {
        if (!view.waiting() || view.queuePosition() == null) {
            return null;
        }
        return estimate(serviceTimes.typical(view.taskType()), view.queuePosition(), fleet.liveSlots());
    }

    /** The arithmetic: {@code ceil(service × position ÷ slots)} seconds; null when any input is missing. */
    static Long estimate(Optional<Duration> service, Integer position, int liveSlots) {
        if (service.isEmpty() || position == null || position < 1 || liveSlots < 1) {
            return null;
        }
        double seconds = service.get().toMillis() / 1000.0 * position / liveSlots;
        return (long) Math.ceil(seconds);
    }
}
