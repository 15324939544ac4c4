package io.dsp.assetapi.fleet;

import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.schemas.event.Presence;
import java.time.Clock;
import org.springframework.stereotype.Component;

/** Whether any GPU worker is online now, from the presence read model (not by calling a GPU, which may be off). */
@Component
public class FleetStatus {

    private final ReadModels readModels;
    private final Clock clock;

    FleetStatus(ReadModels readModels, Clock clock) {
        this.readModels = readModels;
        this.clock = clock;
    }

    public boolean anyWorkerOnline() {
        var now = clock.instant();
        return readModels.workers().stream().anyMatch(w -> Presence.isLive(w, now) && !w.getDraining());
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
