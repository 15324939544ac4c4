package io.dsp.schemas.event;

import io.dsp.schemas.avro.WorkerPresence;
import java.time.Duration;
import java.time.Instant;

/** How every reader of {@code dsp.workers} decides whether a worker is still there. */
public final class Presence {

    /** Beats a worker may miss before readers treat it as gone (a crash leaves no tombstone). */
    public static final int MISSED_BEATS_ALLOWED = 3;

    private Presence() {}

    public static boolean isLive(WorkerPresence presence, Instant now) {
        if (presence == null) {
            return false;
        }
        Duration grace = Duration.ofMillis(presence.getHeartbeatIntervalMs() * MISSED_BEATS_ALLOWED);
        return presence.getHeartbeatAt().plus(grace).isAfter(now);
    }
}
