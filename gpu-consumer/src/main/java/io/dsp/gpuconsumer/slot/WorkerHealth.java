package io.dsp.gpuconsumer.slot;

import io.dsp.core.ledger.TaskLedger;
import io.dsp.core.view.TopicView;
import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.WorkerSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * DOWN when a slot died of an unexpected error (the worker runs fewer tasks than it announces), when the task ledger
 * is stalled (no task can be checked, so none runs), or when a view the slots depend on is stalled (cancels or drain
 * commands no longer reach this worker).
 */
@Component
class WorkerHealth extends AbstractHealthIndicator {

    private final SlotPool slots;
    private final TaskLedger ledger;
    private final List<TopicView> views;
    private final WorkerIdentity identity;
    private final WorkerSettings settings;

    WorkerHealth(
            SlotPool slots,
            TaskLedger ledger,
            List<TopicView> views,
            WorkerIdentity identity,
            WorkerSettings settings) {
        this.slots = slots;
        this.ledger = ledger;
        this.views = views;
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
        Map<String, String> stalledViews = new TreeMap<>();
        for (TopicView view : views) {
            if (view.stalled()) {
                stalledViews.put(
                        view.name(), view.failure().map(Throwable::toString).orElse("no progress"));
            }
        }
        if (failed.isEmpty() && ledgerFailure.isEmpty() && stalledViews.isEmpty()) {
            health.up();
            return;
        }
        health.down();
        if (!failed.isEmpty()) {
            health.withDetail("failedSlots", failed);
        }
        ledgerFailure.ifPresent(f -> health.withDetail("ledger", f));
        if (!stalledViews.isEmpty()) {
            health.withDetail("stalledViews", stalledViews);
        }
    }
}
