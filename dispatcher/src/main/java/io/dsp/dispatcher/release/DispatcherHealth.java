package io.dsp.dispatcher.release;

import io.dsp.dispatcher.fleet.FleetFeed;
import io.dsp.dispatcher.fleet.FleetView;
import java.time.Clock;
import java.time.Instant;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * DOWN when the fleet feed or the release loop has died (nothing would be released again), OUT_OF_SERVICE until the
 * fleet view has caught up; the release window and what it is made of are shown either way.
 */
@Component
class DispatcherHealth extends AbstractHealthIndicator {

    private final FleetFeed feed;
    private final ReleaseLoop loop;
    private final FleetView fleet;
    private final Clock clock;

    DispatcherHealth(FleetFeed feed, ReleaseLoop loop, FleetView fleet, Clock clock) {
        this.feed = feed;
        this.loop = loop;
        this.fleet = fleet;
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        Instant now = clock.instant();
        health.withDetail("window", fleet.window(now))
                .withDetail("liveSlots", fleet.liveSlots(now))
                .withDetail("inFlight", fleet.inFlight(now));
        if (feed.failure().isPresent()) {
            health.down(feed.failure().get());
        } else if (loop.failure().isPresent()) {
            health.down(loop.failure().get());
        } else if (!feed.caughtUp()) {
            health.outOfService().withDetail("reason", "rebuilding the in-flight count from dsp.task-events");
        } else {
            health.up();
        }
    }
}
