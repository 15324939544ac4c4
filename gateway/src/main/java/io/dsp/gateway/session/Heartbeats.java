package io.dsp.gateway.session;

import io.dsp.gateway.GatewaySettings;
import io.dsp.gateway.connection.Connections;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
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
    private ScheduledExecutorService timer;

    Heartbeats(Connections connections, GatewaySettings settings, Clock clock) {
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
        timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "dsp-heartbeats"));
        long period = settings.heartbeatInterval().toMillis();
        timer.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        timer.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return timer != null && !timer.isShutdown();
    }
}
