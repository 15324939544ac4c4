package io.dsp.gpuconsumer.execution;

import io.dsp.schemas.avro.TaskProgress;

/** What a running handler may tell the fleet about its task. */
public interface TaskContext {

    /** Does nothing: for a task run outside a slot. */
    TaskContext NONE = progress -> {};

    /** The task's progress, as the legacy {@code gpu.task.progress} frame; the worker throttles what it publishes. */
    void progress(TaskProgress progress);
}
