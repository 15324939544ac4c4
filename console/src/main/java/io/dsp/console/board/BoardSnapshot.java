package io.dsp.console.board;

import java.util.List;

/**
 * Everything the dashboard shows, at one instant.
 *
 * @param at the snapshot's time, epoch milliseconds (ages are computed at it)
 * @param version changes applied so far; equal versions hold the same facts
 * @param caughtUp whether the console has read what was in the topics when it started
 * @param summary headline numbers
 * @param workers fleet members, live ones first
 * @param tenants tenants with something waiting or in flight, the longest backlog first
 * @param idleTenants tenants whose latest facts show nothing waiting and nothing in flight
 * @param tasks recent tasks, newest first
 * @param deadLetters recent dead letters, newest first
 */
public record BoardSnapshot(
        long at,
        long version,
        boolean caughtUp,
        Summary summary,
        List<WorkerRow> workers,
        List<TenantRow> tenants,
        int idleTenants,
        List<TaskRow> tasks,
        List<DeadLetterRow> deadLetters) {}
