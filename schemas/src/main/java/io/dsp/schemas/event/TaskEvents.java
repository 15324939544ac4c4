package io.dsp.schemas.event;

import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/** Builds the events of a task's life the same way in every module. */
public final class TaskEvents {

    /** Steps after which nothing more happens to a task. */
    public static final Set<TaskEventType> TERMINAL = EnumSet.of(
            TaskEventType.SUCCEEDED, TaskEventType.FAILED, TaskEventType.DEAD_LETTERED, TaskEventType.CANCELLED);

    private TaskEvents() {}

    /** An event of this task with a fresh event id; callers add worker, progress, result or error as the step needs. */
    public static TaskEvent.Builder about(TaskRequested task, TaskEventType type, String source, Instant at) {
        return TaskEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRequestId(task.getRequestId())
                .setLicenseKey(task.getLicenseKey())
                .setTaskType(task.getTaskType())
                .setType(type)
                .setAt(at)
                .setSource(source);
    }

    /**
     * The step that ends an attempt whose worker gives the task back to the fleet (a retry, a lost lock, a graceful
     * stop): a PROGRESS back to {@code queued} carrying why, which task ledgers read as a closed attempt, so the next
     * delivery need not wait for it.
     */
    public static TaskEvent.Builder givenBack(TaskEvent.Builder event, String code, String reason) {
        return event.setType(TaskEventType.PROGRESS)
                .setProgress(TaskProgress.newBuilder()
                        .setStatus("queued")
                        .setPercent(0)
                        .setMessage("重新排队: " + reason)
                        .build())
                .setError(new TaskError(code, reason));
    }

    public static boolean isTerminal(TaskEventType type) {
        return TERMINAL.contains(type);
    }
}
