package io.dsp.gpuconsumer.execution;

import io.dsp.schemas.avro.TaskProgress;

/** What a running handler may tell the fleet about its task. */
public interface TaskContext {

    /** Does nothing: for a task run outside a slot. */
    TaskContext NONE = progress -> {};

    /** The task's progress, as the legacy {@code gpu.task.progress} frame; the worker throttles what it publishes. */
    void progress(TaskProgress progress);

    /**
     * Whether this worker surely still holds the task. False once its lock may have run out, because the worker was
     * paused (a long GC, a frozen VM, a stopped process) or cut off past its lock: another worker may be running the
     * task by now. A handler asks right before an effect it cannot take back, and gives the task back instead
     * ({@link TaskOutcome.Retry}) when it is false (ADR 023).
     */
    default boolean holdsTask() {
        return true;
    }
}
