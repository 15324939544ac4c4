package io.dsp.gpuconsumer;

/** Names of the worker's meters, in one place. */
public final class WorkerMetrics {

    /** Counter, tag {@code decision}: how deliveries ended (succeed, fail, retry, dead_letter, reject). */
    public static final String TASK_DECISIONS = "dsp.worker.task.decisions";

    /** Gauge: tasks running now. */
    public static final String IN_FLIGHT = "dsp.worker.in.flight";

    private WorkerMetrics() {}
}
