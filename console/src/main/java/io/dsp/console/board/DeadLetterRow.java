package io.dsp.console.board;

/**
 * One dead letter.
 *
 * @param requestId the task's request id
 * @param tenant masked license key
 * @param taskType legacy task type
 * @param priority {@code normal} or {@code high}
 * @param reason lower-case reason: delivery_limit, handler_rejected, unknown_task_type, undecodable, kills_workers
 * @param deliveryCount deliveries it had
 * @param lastError the last error, license keys masked
 * @param workerId the worker that gave up on it
 * @param requestedAt when an edge accepted it, epoch milliseconds
 * @param deadLetteredAt when it was dead-lettered, epoch milliseconds
 */
public record DeadLetterRow(
        String requestId,
        String tenant,
        String taskType,
        String priority,
        String reason,
        int deliveryCount,
        String lastError,
        String workerId,
        long requestedAt,
        long deadLetteredAt) {}
