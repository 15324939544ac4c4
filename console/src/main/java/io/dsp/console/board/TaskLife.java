package io.dsp.console.board;

import io.dsp.core.license.LicenseKeys;
import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.event.TaskEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What the console knows of one task: its steps in the order they were written, and what they add up to. */
final class TaskLife {

    /** A started step's detail when the attempt ran with nothing else on its worker (ADR 038). */
    static final String RAN_ALONE = "ran alone on its worker: earlier workers died while it ran beside other tasks";

    private final String requestId;
    private final String licenseKey;
    private final List<TaskStep> steps = new ArrayList<>();
    private final Set<String> eventIds = new HashSet<>();
    private final int maxSteps;
    private String taskType;
    private String priority;
    private TaskEventType status;
    private String workerId;
    private Integer deliveryCount;
    private Integer percent;
    private String error;
    private Instant acceptedAt;
    private Instant firstDispatchedAt;
    private Instant startedAt;
    private Instant endedAt;
    private boolean stepsDropped;

    TaskLife(TaskEvent first, int maxSteps) {
        this.requestId = first.getRequestId();
        this.licenseKey = first.getLicenseKey();
        this.taskType = first.getTaskType();
        this.maxSteps = maxSteps;
    }

    /** Applies one event; false when it was a duplicate of one already applied (at-least-once publishing). */
    boolean apply(TaskEvent event) {
        if (!eventIds.add(event.getEventId())) {
            return false;
        }
        TaskEventType type = event.getType();
        if (type == TaskEventType.UNKNOWN) {
            // A step this console's schema version does not know; keep it visible, change nothing else.
            append(step(event, null, null));
            return true;
        }
        taskType = event.getTaskType();
        if (event.getWorkerId() != null) {
            workerId = event.getWorkerId();
        }
        if (event.getDeliveryCount() != null) {
            deliveryCount = event.getDeliveryCount();
        }
        switch (type) {
            case ACCEPTED -> {
                if (event.getPriority() != null) {
                    priority = event.getPriority().name().toLowerCase(Locale.ROOT);
                }
                if (acceptedAt == null) {
                    acceptedAt = event.getAt();
                } else {
                    // Accepted again (a replay): a new run begins.
                    endedAt = null;
                    error = null;
                    percent = null;
                }
            }
            case DISPATCHED -> {
                if (firstDispatchedAt == null) {
                    firstDispatchedAt = event.getAt();
                }
            }
            case STARTED -> {
                startedAt = event.getAt();
                endedAt = null;
            }
            default -> {
                // progress and terminal steps are handled below
            }
        }
        if (type == TaskEventType.PROGRESS) {
            TaskProgress progress = event.getProgress();
            if (progress != null) {
                percent = progress.getPercent();
            }
            progress(event, progress);
            return true;
        }
        status = type;
        if (TaskEvents.isTerminal(type)) {
            endedAt = event.getAt();
            if (type == TaskEventType.SUCCEEDED) {
                percent = 100;
            }
        }
        TaskError failure = event.getError();
        String detail = failure == null
                ? null
                : LicenseKeys.maskIn(failure.getCode() + ": " + failure.getMessage(), licenseKey);
        if (detail != null) {
            error = detail;
        }
        if (type == TaskEventType.STARTED && Boolean.TRUE.equals(event.getRanAlone())) {
            detail = RAN_ALONE;
        }
        append(step(event, null, detail));
        return true;
    }

    private void progress(TaskEvent event, TaskProgress progress) {
        // a step without progress says why in its error (a gateway that let go of the attempt: TaskEvents.letGo)
        TaskError why = event.getError();
        String message = progress != null
                ? LicenseKeys.maskIn(progress.getMessage(), licenseKey)
                : why == null ? null : LicenseKeys.maskIn(why.getCode() + ": " + why.getMessage(), licenseKey);
        Integer stepPercent = progress == null ? null : progress.getPercent();
        if (!steps.isEmpty() && steps.get(steps.size() - 1).type().equals("progress")) {
            // A long synthesis writes hundreds of progress events: one step shows the latest and how many there were.
            TaskStep last = steps.remove(steps.size() - 1);
            steps.add(new TaskStep(
                    "progress",
                    event.getAt().toEpochMilli(),
                    event.getSource(),
                    event.getWorkerId(),
                    event.getDeliveryCount(),
                    stepPercent,
                    message,
                    last.repeats() + 1));
            return;
        }
        append(step(event, stepPercent, message));
    }

    private void append(TaskStep step) {
        steps.add(step);
        if (steps.size() > maxSteps) {
            // Keep the first step (usually accepted) and the latest ones.
            steps.remove(1);
            stepsDropped = true;
        }
    }

    private static TaskStep step(TaskEvent event, Integer percent, String detail) {
        return new TaskStep(
                event.getType().name().toLowerCase(Locale.ROOT),
                event.getAt().toEpochMilli(),
                event.getSource(),
                event.getWorkerId(),
                event.getDeliveryCount(),
                percent,
                detail,
                1);
    }

    String requestId() {
        return requestId;
    }

    TaskRow row(Instant now) {
        boolean terminal = status != null && TaskEvents.isTerminal(status);
        Instant end = endedAt != null ? endedAt : now;
        return new TaskRow(
                requestId,
                LicenseKeys.mask(licenseKey),
                taskType,
                priority,
                status == null ? "progress" : status.name().toLowerCase(Locale.ROOT),
                terminal,
                workerId,
                deliveryCount,
                percent,
                millis(acceptedAt),
                millis(endedAt),
                between(acceptedAt, firstDispatchedAt),
                between(acceptedAt, startedAt),
                endedAt == null ? null : between(startedAt, endedAt),
                between(acceptedAt, end),
                error,
                acceptedAt == null || stepsDropped,
                List.copyOf(steps));
    }

    String statusName() {
        return status == null ? "progress" : status.name().toLowerCase(Locale.ROOT);
    }

    private static Long millis(Instant at) {
        return at == null ? null : at.toEpochMilli();
    }

    private static Long between(Instant from, Instant to) {
        if (from == null || to == null) {
            return null;
        }
        return Math.max(0, to.toEpochMilli() - from.toEpochMilli());
    }
}
