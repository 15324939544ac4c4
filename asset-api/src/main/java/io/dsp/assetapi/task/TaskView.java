package io.dsp.assetapi.task;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.event.TaskEvents;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What clients see of a task: its current status (the latest step that is not progress), whether it is done, the
 * latest progress, the result or error, and every step with its time. Field names follow the legacy snake_case.
 */
public record TaskView(
        @JsonProperty("request_id") String requestId,
        @JsonProperty("task_type") String taskType,
        String status,
        boolean done,
        @JsonProperty("worker_id") String workerId,
        Integer progress,
        @JsonProperty("progress_message") String progressMessage,
        @JsonRawValue String result,
        @JsonProperty("error_msg") String errorMessage,
        List<Step> events) {

    public record Step(
            String type,
            Instant at,
            String source,
            @JsonProperty("worker_id") String workerId,
            @JsonProperty("delivery_count") Integer deliveryCount) {}

    public static TaskView of(TaskLife life) {
        List<TaskEvent> events = life.getEvents().stream()
                .sorted(Comparator.comparing(TaskEvent::getAt)
                        .thenComparing(e -> e.getType().ordinal()))
                .toList();
        TaskEvent current = events.stream()
                .filter(e -> e.getType() != TaskEventType.PROGRESS)
                .reduce((a, b) -> TaskEvents.isTerminal(a.getType()) ? a : b)
                .orElseThrow();
        TaskEvent progress = events.stream()
                .filter(e -> e.getProgress() != null)
                .reduce((a, b) -> b)
                .orElse(null);
        String workerId = events.stream()
                .map(TaskEvent::getWorkerId)
                .filter(w -> w != null)
                .reduce((a, b) -> b)
                .orElse(null);
        return new TaskView(
                life.getRequestId(),
                life.getTaskType(),
                name(current.getType()),
                TaskEvents.isTerminal(current.getType()),
                workerId,
                progress == null ? null : progress.getProgress().getPercent(),
                progress == null ? null : progress.getProgress().getMessage(),
                current.getResultJson(),
                current.getError() == null ? null : current.getError().getMessage(),
                events.stream()
                        .map(e -> new Step(
                                name(e.getType()), e.getAt(), e.getSource(), e.getWorkerId(), e.getDeliveryCount()))
                        .toList());
    }

    private static String name(TaskEventType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
