package io.dsp.console.board;

import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.event.Presence;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The fleet from {@code dsp.workers}: the latest presence of each worker; a tombstone removes it. */
final class FleetModel {

    private static final Comparator<WorkerRow> LIVE_FIRST =
            Comparator.comparing((WorkerRow w) -> !w.live()).thenComparing(WorkerRow::workerId);

    private final Map<String, WorkerPresence> workers = new HashMap<>();
    private final Duration goneShownFor;

    FleetModel(Duration goneShownFor) {
        this.goneShownFor = goneShownFor;
    }

    /** Applies one record of {@code dsp.workers}; {@code null} is a tombstone. */
    boolean apply(String workerId, WorkerPresence presence) {
        if (presence == null) {
            return workers.remove(workerId) != null;
        }
        WorkerPresence previous = workers.get(workerId);
        // A late, older beat (two writers, a replayed record) must not roll the worker back.
        if (previous != null && previous.getHeartbeatAt().isAfter(presence.getHeartbeatAt())) {
            return false;
        }
        workers.put(workerId, presence);
        return true;
    }

    /** Live workers and those offline for less than the grace, live first then by id. */
    List<WorkerRow> rows(Instant now) {
        Instant forgetBefore = now.minus(goneShownFor);
        return workers.values().stream()
                .filter(w -> Presence.isLive(w, now) || !w.getHeartbeatAt().isBefore(forgetBefore))
                .map(w -> row(w, now))
                .sorted(LIVE_FIRST)
                .toList();
    }

    private static WorkerRow row(WorkerPresence w, Instant now) {
        return new WorkerRow(
                w.getWorkerId(),
                w.getKind().name().toLowerCase(Locale.ROOT),
                w.getLane(),
                w.getHost(),
                w.getSlots(),
                w.getInFlight(),
                w.getDraining(),
                Presence.isLive(w, now),
                w.getStartedAt().toEpochMilli(),
                w.getHeartbeatAt().toEpochMilli(),
                Math.max(0, Duration.between(w.getHeartbeatAt(), now).toMillis()));
    }
}
