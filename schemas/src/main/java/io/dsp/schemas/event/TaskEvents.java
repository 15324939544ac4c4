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

    /** The error code of {@link #letGo}. */
    public static final String LET_GO = "LET_GO";

    /**
     * The step that says a gateway let go of an attempt whose legacy worker, still connected, may yet run it (its lock
     * was lost, or the gateway stopped): a PROGRESS with no progress, so apps get no frame and no percent moves (status
     * views list it among the steps), naming the attempt by worker id and delivery count. Task ledgers keep the
     * attempt open, so the next holder follows it instead of handing it over again (ADR 037), but its end, whenever it
     * comes, is no worker's death: a suspect whose run alone was let go of is not quarantined for it (ADR 038).
     */
    public static TaskEvent.Builder letGo(TaskEvent.Builder event, String reason) {
        return event.setType(TaskEventType.PROGRESS).setProgress(null).setError(new TaskError(LET_GO, reason));
    }

    public static boolean isTerminal(TaskEventType type) {
        return TERMINAL.contains(type);
    }
}
