package io.dsp.core.slot;

import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The timers of a slot's hand-over between two tasks ({@link MetricNames#HANDOVER}), one per step and per kind of
 * slot, so an operator sees which round trip keeps a GPU waiting: a native slot of gpu-consumer, or a gateway's slot of
 * a legacy worker.
 */
public final class HandOverSteps {

    /** The steps, in the order a task meets them; {@link #tag()} names one in the {@code step} tag. */
    public enum Step {
        /** The last task's end to the next one in hand (its acknowledgement riding on that poll). */
        FETCH,
        /** The task ledger's look, with any wait for another worker's open attempt. */
        LEDGER,
        /** STARTED sent and acknowledged. */
        STARTED,
        /** The lock renewed after STARTED (ADR 023). */
        CONFIRM,
        /** A legacy slot only: the task's files staged on the GPU and its legacy frame sent. */
        FRAME,
        /** The outcome sent and acknowledged, from the moment the slot knew it. */
        OUTCOME;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The steps a native slot times. */
    public static final List<Step> NATIVE = List.of(Step.FETCH, Step.LEDGER, Step.STARTED, Step.CONFIRM, Step.OUTCOME);

    /** The steps a legacy worker's slot times. */
    public static final List<Step> LEGACY = List.of(Step.values());

    private final Timer[] timers = new Timer[Step.values().length];

    /**
     * The timers of the slots whose task events carry this {@code source} ({@code gpu-consumer}, {@code gateway}),
     * registered for {@code steps}.
     */
    public HandOverSteps(MeterRegistry meters, String source, List<Step> steps) {
        for (Step step : steps) {
            timers[step.ordinal()] = Timer.builder(MetricNames.HANDOVER)
                    .description("a slot's time between two tasks, by step")
                    .tag(MetricNames.TAG_SOURCE, source)
                    .tag(MetricNames.TAG_STEP, step.tag())
                    .register(meters);
        }
    }

    /**
     * Records a step that began at {@code startedNanos} ({@link System#nanoTime()}) and ends now; a step this kind of
     * slot does not time is ignored (a metric must never change a task's path).
     */
    public void since(Step step, long startedNanos) {
        Timer timer = timers[step.ordinal()];
        if (timer != null) {
            timer.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        }
    }
}
