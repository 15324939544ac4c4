package io.dsp.gpuconsumer.slot;

import io.dsp.core.ledger.TaskLedger;
import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.WorkerSettings;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * DOWN when a slot died of an unexpected error (the worker runs fewer tasks than it announces), or when the task
 * ledger stopped reading (no task can be checked, so none runs).
 */
@Component
class WorkerHealth extends AbstractHealthIndicator {

    private final SlotPool slots;
    private final TaskLedger ledger;
    private final WorkerIdentity identity;
    private final WorkerSettings settings;

    WorkerHealth(SlotPool slots, TaskLedger ledger, WorkerIdentity identity, WorkerSettings settings) {
        this.slots = slots;
        this.ledger = ledger;
        this.identity = identity;
        this.settings = settings;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        Map<String, String> failed = slots.failedSlots();
        health.withDetail("workerId", identity.id())
                .withDetail("slots", settings.maxConcurrent())
                .withDetail("inFlight", slots.inFlight())
                .withDetail("drained", slots.drained());
        Optional<String> ledgerFailure = ledger.failure();
        if (failed.isEmpty() && ledgerFailure.isEmpty()) {
            health.up();
            return;
        }
        health.down();
        if (!failed.isEmpty()) {
            health.withDetail("failedSlots", failed);
        }
        ledgerFailure.ifPresent(f -> health.withDetail("ledger", f));
    }
}
