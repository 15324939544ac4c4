package io.dsp.console.board;

import java.util.Map;

/**
 * The board's headline numbers.
 *
 * @param workersLive live workers
 * @param workersDraining live workers that are draining
 * @param slots slots of live workers that are not draining (the fleet's capacity now)
 * @param inFlight tasks live workers are running now
 * @param tenantsWaiting tenants with at least one waiting task
 * @param waiting waiting tasks over every tenant
 * @param oldestWaitMs the longest wait over every tenant; null when nothing waits
 * @param recentByStatus recent tasks per status
 * @param deadLetters dead letters read since the console started (including the look-back)
 */
public record Summary(
        int workersLive,
        int workersDraining,
        int slots,
        int inFlight,
        int tenantsWaiting,
        long waiting,
        Long oldestWaitMs,
        Map<String, Integer> recentByStatus,
        long deadLetters) {}
