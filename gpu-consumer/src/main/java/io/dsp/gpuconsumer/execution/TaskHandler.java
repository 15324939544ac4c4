package io.dsp.gpuconsumer.execution;

import io.dsp.schemas.avro.TaskRequested;

/**
 * Runs one task type. A new task type is one bean implementing this. Throwing is a transient failure (the task is
 * retried on a later delivery); a permanent failure is returned as {@link TaskOutcome.Failed}.
 */
public interface TaskHandler {

    /** The legacy {@code task_type} handled, e.g. {@code delete_asset}. */
    String taskType();

    TaskOutcome handle(TaskRequested task) throws Exception;

    /** Runs the task with a way to report progress; handlers of long tasks override this one. */
    default TaskOutcome handle(TaskRequested task, TaskContext context) throws Exception {
        return handle(task);
    }
}
