package io.dsp.console.board;

import java.util.List;

/**
 * One recent task with its life.
 *
 * @param requestId the task's request id
 * @param tenant masked license key
 * @param taskType legacy task type
 * @param priority {@code normal} or {@code high} (from its accepted event); null when unknown
 * @param status lower-case type of its latest step other than progress ({@code succeeded}, {@code started}, ...)
 * @param terminal whether that step ends the task
 * @param workerId the worker that ran (or runs) it
 * @param deliveryCount delivery of its latest attempt, when known
 * @param percent latest progress percent, when any
 * @param acceptedAt when an edge accepted it, epoch milliseconds; null when its accepted event was not read
 * @param endedAt when it ended, epoch milliseconds; null while it runs or waits
 * @param queuedMs accepted to first dispatched
 * @param waitMs accepted to (latest) started
 * @param runMs (latest) started to its end
 * @param totalMs accepted to its end, or to the snapshot's time while it is not over
 * @param error {@code code: message} of a failure, license keys masked
 * @param partial true when earlier steps were not read (the task began before the console's look-back) or dropped
 * @param steps its events in the order they were written
 */
public record TaskRow(
        String requestId,
        String tenant,
        String taskType,
        String priority,
        String status,
        boolean terminal,
        String workerId,
        Integer deliveryCount,
        Integer percent,
        Long acceptedAt,
        Long endedAt,
        Long queuedMs,
        Long waitMs,
        Long runMs,
        Long totalMs,
        String error,
        boolean partial,
        List<TaskStep> steps) {}
