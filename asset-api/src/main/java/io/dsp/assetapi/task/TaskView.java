package io.dsp.assetapi.task;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.dsp.core.intake.ClientRequestIds;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.avro.StoredResult;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.event.OutcomeFence;
import io.dsp.schemas.event.TaskEvents;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What clients see of a task: its current status (the latest step that is not progress), whether it is done, the
 * latest progress, the result or error, and every step with its time. Field names follow the legacy snake_case.
 * {@code priority} comes from the ACCEPTED step ({@code normal} when an edge recorded none); {@code cancel_requested}
 * is true from a cancel command until the task's end is recorded; {@code estimated_wait_seconds} only while it waits.
 */
public record TaskView(
        @JsonProperty("request_id") String requestId,
        @JsonProperty("task_type") String taskType,
        String priority,
        String status,
        boolean done,
        @JsonProperty("cancel_requested") boolean cancelRequested,
        @JsonProperty("worker_id") String workerId,
        Integer progress,
        @JsonProperty("progress_message") String progressMessage,
        @JsonRawValue String result,
        @JsonProperty("error_msg") String errorMessage,
        @JsonProperty("queue_position") Integer queuePosition,
        @JsonProperty("waiting_in_queue") Long waitingInQueue,
        @JsonProperty("estimated_wait_seconds") Long estimatedWaitSeconds,
        Stored stored,
        @JsonProperty("result_url") String resultUrl,
        List<Step> events) {

    /** The file a finished task produced, in the central result store ({@code GET /api/v1/tasks/{id}/result}). */
    public record Stored(
            String sha256,
            long size,
            @JsonProperty("content_type") String contentType,
            @JsonProperty("expires_at") Instant expiresAt) {

        static Stored of(StoredResult stored) {
            return stored == null
                    ? null
                    : new Stored(stored.getSha256(), stored.getSize(), stored.getContentType(), stored.getExpiresAt());
        }
    }

    public record Step(
            String type,
            Instant at,
            String source,
            @JsonProperty("worker_id") String workerId,
            @JsonProperty("delivery_count") Integer deliveryCount) {}

    public static TaskView of(TaskLife life) {
        return of(life, Optional.empty());
    }

    /**
     * The view with the task's place in its license's queue while it waits: {@code queue_position} (1 = released
     * next) when it is among the first tasks the dispatcher listed, and how many of the license's tasks wait.
     */
    public static TaskView of(TaskLife life, Optional<QueueFacts> queue) {
        List<TaskEvent> events = life.getEvents().stream()
                .sorted(Comparator.comparing(TaskEvent::getAt)
                        .thenComparing(e -> e.getType().ordinal()))
                .toList();
        // the task's end (a stale outcome of an attempt whose task was handed on never counts), else its latest step
        TaskEvent current = OutcomeFence.outcome(life.getEvents())
                .orElseGet(() -> events.stream()
                        .filter(e -> e.getType() != TaskEventType.PROGRESS && !TaskEvents.isTerminal(e.getType()))
                        .reduce((a, b) -> b)
                        .orElseGet(() -> events.get(events.size() - 1)));
        TaskEvent progress = events.stream()
                .filter(e -> e.getProgress() != null)
                .reduce((a, b) -> b)
                .orElse(null);
        String workerId = events.stream()
                .map(TaskEvent::getWorkerId)
                .filter(w -> w != null)
                .reduce((a, b) -> b)
                .orElse(null);
        boolean waiting = current.getType() == TaskEventType.ACCEPTED || current.getType() == TaskEventType.QUEUED;
        Optional<QueueFacts> facts = waiting ? queue : Optional.empty();
        Integer position = facts.map(f -> f.getNextRequestIds().indexOf(life.getRequestId()))
                .filter(index -> index >= 0)
                .map(index -> index + 1)
                .orElse(null);
        Priority priority = events.stream()
                .filter(e -> e.getType() == TaskEventType.ACCEPTED && e.getPriority() != null)
                .map(TaskEvent::getPriority)
                .findFirst()
                .orElse(Priority.NORMAL);
        return new TaskView(
                // the id its client knows: its own request id when it chose one (ADR 015)
                ClientRequestIds.shown(life.getLicenseKey(), life.getRequestId()),
                life.getTaskType(),
                Priorities.name(priority),
                name(current.getType()),
                TaskEvents.isTerminal(current.getType()),
                false,
                workerId,
                progress == null ? null : progress.getProgress().getPercent(),
                progress == null ? null : progress.getProgress().getMessage(),
                current.getResultJson(),
                current.getError() == null ? null : current.getError().getMessage(),
                position,
                facts.map(QueueFacts::getWaiting).orElse(null),
                null,
                Stored.of(current.getStored()),
                null,
                events.stream()
                        .map(e -> new Step(
                                name(e.getType()), e.getAt(), e.getSource(), e.getWorkerId(), e.getDeliveryCount()))
                        .toList());
    }

    /** Whether the task still waits to be released to a worker. */
    public boolean waiting() {
        return "accepted".equals(status) || "queued".equals(status);
    }

    /** This view, marked as having a cancel requested (until the actor records the task's end). */
    public TaskView withCancelRequested(boolean requested) {
        return new TaskView(
                requestId,
                taskType,
                priority,
                status,
                done,
                requested && !done,
                workerId,
                progress,
                progressMessage,
                result,
                errorMessage,
                queuePosition,
                waitingInQueue,
                estimatedWaitSeconds,
                stored,
                resultUrl,
                events);
    }

    /** This view with a link to download its result (null: none). */
    public TaskView withResultUrl(String url) {
        return new TaskView(
                requestId,
                taskType,
                priority,
                status,
                done,
                cancelRequested,
                workerId,
                progress,
                progressMessage,
                result,
                errorMessage,
                queuePosition,
                waitingInQueue,
                estimatedWaitSeconds,
                stored,
                url,
                events);
    }

    /** This view with an estimated wait (null: nothing to estimate from). */
    public TaskView withEstimatedWait(Long seconds) {
        return new TaskView(
                requestId,
                taskType,
                priority,
                status,
                done,
                cancelRequested,
                workerId,
                progress,
                progressMessage,
                result,
                errorMessage,
                queuePosition,
                waitingInQueue,
                seconds,
                stored,
                resultUrl,
                events);
    }

    private static String name(TaskEventType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
