package io.dsp.ops.task;

import io.dsp.schemas.avro.TaskRequested;
import java.time.Instant;

/**
 * One record of a task in a tenant topic: the original, a same-id replay copy or a re-run under a derived id.
 *
 * @param recordTime the record's Kafka timestamp: when it was written to the tenant topic
 * @param traceparent the record's W3C trace header, {@code null} when it has none
 */
public record TaskCopy(
        String topic, int partition, long offset, Instant recordTime, TaskRequested task, String traceparent) {

    /** The id of the task's first run, which all of its copies and re-runs share. */
    public String original() {
        return RequestIds.original(task.getRequestId());
    }

    public String requestId() {
        return task.getRequestId();
    }

    /** Written by the ops tooling (a replay, a re-drive or a forced re-run), not by an edge. */
    public boolean isReplay() {
        return task.getReplayOf() != null;
    }

    /** Whether this copy was written after the other one (record time, then offset within one topic). */
    public boolean isNewerThan(TaskCopy other) {
        int byTime = recordTime.compareTo(other.recordTime);
        if (byTime != 0) {
            return byTime > 0;
        }
        return topic.equals(other.topic) && offset > other.offset;
    }
}
