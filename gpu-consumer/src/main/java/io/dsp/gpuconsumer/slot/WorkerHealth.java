package io.dsp.gpuconsumer.slot;

import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.WorkerSettings;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** DOWN when a slot died of an unexpected error (the worker runs fewer tasks than it announces). */
@Component
class WorkerHealth extends AbstractHealthIndicator {

    private final SlotPool slots;
    private final WorkerIdentity identity;
    private final WorkerSettings settings;

    WorkerHealth(SlotPool slots, WorkerIdentity identity, WorkerSettings settings) {
        this.slots = slots;
        this.identity = identity;
        this.settings = settings;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        Map<String, String> failed = slots.failedSlots();
        health.withDetail("workerId", identity.id())
                .withDetail("slots", settings.maxConcurrent())
                .withDetail("inFlight", slots.inFlight());
        if (failed.isEmpty()) {
            health.up();
        } else {
            health.down().withDetail("failedSlots", failed);
        }
    }
}
