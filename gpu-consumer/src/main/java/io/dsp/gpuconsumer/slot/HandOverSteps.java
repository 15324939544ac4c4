package io.dsp.gpuconsumer.slot;

import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The timers of a slot's hand-over between two tasks ({@link WorkerMetrics#HANDOVER}), one per step, so an operator
 * sees which round trip keeps a GPU waiting.
 */
final class HandOverSteps {

    /** The steps, in the order of {@link WorkerMetrics#HANDOVER_STEPS}, which names them in the {@code step} tag. */
    enum Step {
        FETCH,
        LEDGER,
        STARTED,
        CONFIRM,
        OUTCOME
    }

    private final Timer[] timers = new Timer[Step.values().length];

    HandOverSteps(MeterRegistry meters) {
        for (Step step : Step.values()) {
            timers[step.ordinal()] = Timer.builder(WorkerMetrics.HANDOVER)
                    .description("a slot's time between two tasks, by step")
                    .tag(MetricNames.TAG_STEP, WorkerMetrics.HANDOVER_STEPS.get(step.ordinal()))
                    .register(meters);
        }
    }

    /** Records a step that began at {@code startedNanos} ({@link System#nanoTime()}) and ends now. */
    void since(Step step, long startedNanos) {
        timers[step.ordinal()].record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }
}
