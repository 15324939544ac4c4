package io.dsp.dispatcher.release;

import io.dsp.core.view.TopicView;
import io.dsp.dispatcher.fleet.FleetView;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * DOWN while the fleet view is stalled or the release loop has died (nothing would be released again, or released
 * against a stale window), OUT_OF_SERVICE until the fleet view has caught up; the release window, what it is made of
 * and the view's own health are shown either way.
 */
@Component
class DispatcherHealth extends AbstractHealthIndicator {

    private final TopicView feed;
    private final List<ReleaseLoop> loops;
    private final FleetView fleet;
    private final Clock clock;

    DispatcherHealth(TopicView feed, List<ReleaseLoop> loops, FleetView fleet, Clock clock) {
        this.feed = feed;
        this.loops = List.copyOf(loops);
        this.fleet = fleet;
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        Instant now = clock.instant();
        health.withDetail("window", fleet.window(now))
                .withDetail("liveSlots", fleet.liveSlots(now))
                .withDetail("inFlight", fleet.inFlight(now))
                .withDetail("fleetView", feed.health());
        if (feed.stalled()) {
            health.down();
            feed.failure().ifPresent(health::withException);
        } else if (loops.stream().anyMatch(l -> l.failure().isPresent())) {
            health.down(loops.stream()
                    .flatMap(l -> l.failure().stream())
                    .findFirst()
                    .orElseThrow());
        } else if (!feed.caughtUp()) {
            health.outOfService().withDetail("reason", "rebuilding the in-flight count from dsp.task-events");
        } else {
            health.up();
        }
    }
}
