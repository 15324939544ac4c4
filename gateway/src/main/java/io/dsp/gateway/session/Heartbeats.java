package io.dsp.gateway.session;

import io.dsp.gateway.GatewaySettings;
import io.dsp.gateway.Timers;
import io.dsp.gateway.connection.Connections;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Server-side heartbeats, which the legacy gateway never sent: every interval each connection is pinged, and one
 * silent for longer than the idle timeout is closed (a worker's tasks then go back to the fleet at once).
 */
@Component
class Heartbeats implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

    private final Connections connections;
    private final GatewaySettings settings;
    private final Clock clock;
    private final Timers timers;

    Heartbeats(
            Connections connections,
            GatewaySettings settings,
            Clock clock,
            @Qualifier("gatewayTimers") TaskScheduler scheduler) {
        this.timers = new Timers(scheduler);
        this.connections = connections;
        this.settings = settings;
        this.clock = clock;
    }

    void beat() {
        try {
            connections.heartbeat(clock.instant(), settings.idleTimeout(), Frames.of(MessageType.PING));
        } catch (RuntimeException e) {
            log.warn("heartbeat round failed: {}", e.toString());
        }
    }

    @Override
    public void start() {
        timers.every(settings.heartbeatInterval(), "heartbeat round", this::beat);
    }

    @Override
    public void stop() {
        timers.cancelAll();
    }

    @Override
    public boolean isRunning() {
        return timers.active();
    }
}
