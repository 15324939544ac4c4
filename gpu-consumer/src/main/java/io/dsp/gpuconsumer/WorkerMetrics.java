package io.dsp.gpuconsumer;

import io.dsp.core.slot.HandOverSteps;
import io.dsp.schemas.metric.MetricNames;
import java.util.List;

/** Names of the worker's meters, in one place. */
public final class WorkerMetrics {

    /**
     * Counter, tag {@code decision}: how deliveries ended (succeed, fail, retry, dead_letter, reject, skip,
     * quarantine).
     */
    public static final String TASK_DECISIONS = "dsp.worker.task.decisions";

    // Tasks running now: MetricNames.WORKER_IN_FLIGHT (tag worker); a second gauge here would export the same name.

    /**
     * Counter: deliveries whose previous attempt started and never ended, i.e. its worker died (or hung past its lock)
     * mid-task. Kept apart from failures: a failing task is the task's fault, a dying worker is the host's.
     */
    public static final String WORKER_DIED = "dsp.worker.task.worker.died";

    /** Counter: {@link MetricNames#SUSPECTS_RUN_ALONE}, here with {@code source=gpu-consumer}. */
    public static final String SUSPECTS_RUN_ALONE = MetricNames.SUSPECTS_RUN_ALONE;

    /** Counter: tasks given back on their last delivery whose dead letter could not be recorded (the broker archives them). */
    public static final String UNRECORDED_GIVE_BACKS = "dsp.worker.task.give.back.unrecorded";

    /** Counter: tasks stopped because they ran past their type's deadline (they end FAILED). Tags: task type. */
    public static final String DEADLINES_PASSED = "dsp.worker.task.deadline.passed";

    /** Counter: tasks abandoned because the lock on them was lost while they ran (another worker may run them). */
    public static final String LOCK_LOST = "dsp.worker.task.lock.lost";

    /**
     * Counter: acknowledgements the broker refused after the outcome was published. The outcome stands; whoever gets
     * the task next finds it finished in the ledger and skips it.
     */
    public static final String ACK_ERRORS = "dsp.worker.task.ack.errors";

    /** Counter: outcomes of tasks that ran, sent again because a send failed (a broker restart can fail one). */
    public static final String OUTCOME_RESENDS = "dsp.worker.task.outcome.resends";

    /**
     * Counter: outcomes kept in the local journal because the worker stopped before it could record them (tag
     * {@code step}: {@code kept}), and sent from it at the next start ({@code replayed}) or found recorded already
     * ({@code found}).
     */
    public static final String OUTCOME_JOURNAL = "dsp.worker.task.outcome.journal";

    /** Counter: lock renewals of long tasks. */
    public static final String LOCK_RENEWALS = "dsp.worker.task.lock.renewals";

    /** Timer, tags {@code source} and {@code step}: {@link MetricNames#HANDOVER}, a slot's time between two tasks. */
    public static final String HANDOVER = MetricNames.HANDOVER;

    /** The values of {@link #HANDOVER}'s {@code step} tag a native slot times, in the order a task meets them. */
    public static final List<String> HANDOVER_STEPS =
            HandOverSteps.NATIVE.stream().map(HandOverSteps.Step::tag).toList();

    /** Gauge: tasks whose history the worker's task ledger holds in memory (its size grows with retention). */
    public static final String LEDGER_TASKS = "dsp.worker.ledger.tasks";

    private WorkerMetrics() {}
}
