package io.dsp.console.board;

/**
 * One tenant's queue, from the dispatcher's latest queue facts.
 *
 * @param tenant masked license key
 * @param waiting tasks in its topics not yet released to the fleet
 * @param inFlight released tasks without a terminal event
 * @param oldestWaitingSince when its oldest waiting task was queued, epoch milliseconds; null when none waits
 * @param oldestWaitMs how long that task has waited, at the snapshot's time; null when none waits
 * @param factsAt when the dispatcher observed these facts, epoch milliseconds
 */
public record TenantRow(
        String tenant, long waiting, int inFlight, Long oldestWaitingSince, Long oldestWaitMs, long factsAt) {}
