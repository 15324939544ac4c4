package io.dsp.console.board;

/**
 * One event of a task's life.
 *
 * @param type lower-case event type: accepted, queued, dispatched, started, progress, succeeded, failed,
 *     dead_lettered, cancelled
 * @param at when it happened, epoch milliseconds
 * @param source component that observed it
 * @param workerId worker, from started on
 * @param deliveryCount share-group delivery of the attempt, when known
 * @param percent progress percent, on progress steps
 * @param detail progress message or error ({@code code: message}), license keys masked
 * @param repeats how many progress events this step stands for (consecutive ones collapse)
 */
public record TaskStep(
        String type,
        long at,
        String source,
        String workerId,
        Integer deliveryCount,
        Integer percent,
        String detail,
        int repeats) {}
