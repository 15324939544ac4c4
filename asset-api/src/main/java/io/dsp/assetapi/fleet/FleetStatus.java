package io.dsp.assetapi.fleet;

import io.dsp.assetapi.readmodel.CachedLookups;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.schemas.event.Presence;
import java.time.Clock;
import org.springframework.stereotype.Component;

/** Whether any GPU worker is online now, from the presence read model (not by calling a GPU, which may be off). */
@Component
public class FleetStatus {

    private final ReadModels readModels;
    private final CachedLookups lookups;
    private final Clock clock;

    FleetStatus(ReadModels readModels, CachedLookups lookups, Clock clock) {
        this.readModels = readModels;
        this.lookups = lookups;
        this.clock = clock;
    }

    /** Asked by every submission (it decides {@code QUEUED}): a scan of the fleet at most once per lookup ttl. */
    public boolean anyWorkerOnline() {
        return lookups.anyWorkerOnline(() -> {
            var now = clock.instant();
            return readModels.workers().stream().anyMatch(w -> Presence.isLive(w, now) && !w.getDraining());
        });
    }

    /** Slots of the live workers that take new work (not draining). */
    public int liveSlots() {
        var now = clock.instant();
        return readModels.workers().stream()
                .filter(w -> Presence.isLive(w, now) && !w.getDraining())
                .mapToInt(w -> Math.max(0, w.getSlots()))
                .sum();
    }
}
