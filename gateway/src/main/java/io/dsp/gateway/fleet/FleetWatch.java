package io.dsp.gateway.fleet;

import io.dsp.core.legacy.LegacyLog;
import io.dsp.gateway.GatewayNode;
import io.dsp.gateway.GatewaySettings;
import io.dsp.gateway.Timers;
import io.dsp.gateway.connection.Connections;
import io.dsp.gateway.connection.Role;
import io.dsp.gateway.protocol.Frames;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.event.Presence;
import io.dsp.schemas.topic.Lane;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Whether any GPU worker is online (a legacy worker on this instance, or any live {@code gpu}-lane presence in
 * {@code dsp.workers}: native workers and other instances' legacy workers), and the broadcasts that follow from it:
 * clients get one {@code gpu_online} + {@code gpu.power.online} when the fleet goes from none to some workers, and
 * {@code gpu.power.offline} + {@code gpu_offline} when the last one leaves; monitors get {@code gpu.task.active} while
 * any worker runs tasks, so a busy GPU is never shut down as idle.
 */
@Component
public class FleetWatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FleetWatch.class);
    private static final String LANE = Lane.GPU.wireName();
    private static final String AUTOMATION_LANE = Lane.AUTOMATION.wireName();

    private final Connections connections;
    private final GatewaySettings settings;
    private final Clock clock;
    private final String ownPrefix;
    private final Map<String, WorkerPresence> remote = new ConcurrentHashMap<>();
    private int localWorkers;
    private int localAutomationWorkers;
    private int localInFlight;
    private long lastWorkerFd;
    private boolean online;
    private final Timers timers;

    FleetWatch(
            Connections connections,
            GatewaySettings settings,
            GatewayNode node,
            Clock clock,
            @Qualifier("gatewayTimers") TaskScheduler scheduler) {
        this.timers = new Timers(scheduler);
        this.connections = connections;
        this.settings = settings;
        this.clock = clock;
        this.ownPrefix = workerIdPrefix(node);
    }

    /** Legacy workers of this instance are published under ids with this prefix; they are counted locally instead. */
    public static String workerIdPrefix(GatewayNode node) {
        return node.id() + "-fd";
    }

    /** Applies one record of {@code dsp.workers}. */
    public void presence(String workerId, WorkerPresence presence) {
        if (workerId.startsWith(ownPrefix)) {
            return;
        }
        if (presence == null) {
            remote.remove(workerId);
        } else {
            remote.put(workerId, presence);
        }
        evaluate();
    }

    /** This instance's legacy workers changed. */
    public void local(int workers, int inFlight, long workerFd) {
        synchronized (this) {
            localWorkers = workers;
            localInFlight = inFlight;
            if (workerFd > 0) {
                lastWorkerFd = workerFd;
            }
        }
        evaluate();
    }

    /** This instance's automation workers (ws_worker) that take work. */
    public void localAutomation(int workers) {
        synchronized (this) {
            localAutomationWorkers = workers;
        }
    }

    /** Whether an automation worker takes work here or on any instance (live {@code automation}-lane presence). */
    public boolean isAutomationOnline() {
        synchronized (this) {
            if (localAutomationWorkers > 0) {
                return true;
            }
        }
        Instant now = clock.instant();
        return remote.values().stream()
                .anyMatch(p -> AUTOMATION_LANE.equals(p.getLane()) && !p.getDraining() && Presence.isLive(p, now));
    }

    public boolean isOnline() {
        return localWorkers() > 0 || liveRemote(clock.instant()) > 0;
    }

    private synchronized int localWorkers() {
        return localWorkers;
    }

    private long liveRemote(Instant now) {
        return remote.values().stream()
                .filter(p -> LANE.equals(p.getLane()) && !p.getDraining() && Presence.isLive(p, now))
                .count();
    }

    /** Ids of the live legacy workers of other instances. */
    public java.util.List<String> liveLegacyWorkers(Instant now) {
        return remote.values().stream()
                .filter(p -> p.getKind() == io.dsp.schemas.avro.WorkerKind.LEGACY && Presence.isLive(p, now))
                .map(WorkerPresence::getWorkerId)
                .toList();
    }

    private boolean busy(Instant now) {
        synchronized (this) {
            if (localInFlight > 0) {
                return true;
            }
        }
        return remote.values().stream()
                .anyMatch(p -> LANE.equals(p.getLane()) && Presence.isLive(p, now) && p.getInFlight() > 0);
    }

    /** Broadcasts a change of online state, once per change. */
    synchronized void evaluate() {
        Instant now = clock.instant();
        boolean nowOnline = isOnline();
        if (nowOnline == online) {
            return;
        }
        online = nowOnline;
        if (nowOnline) {
            log.info(
                    "GPU fleet online; telling {} clients and observers",
                    connections.fleetAudience().size());
            connections.sendToFleetAudience(Frames.gpuOnline());
            connections.sendToFleetAudience(Frames.powerOnline(lastWorkerFd, now));
            LegacyLog.powerOnlineBroadcast(connections.fleetAudience().size());
        } else {
            log.info(
                    "GPU fleet offline; telling {} clients and observers",
                    connections.fleetAudience().size());
            connections.sendToFleetAudience(
                    Frames.powerOffline(Frames.uniqueId("gpu_offline_", now), null, Frames.OFFLINE_TEXT, now));
            connections.sendToFleetAudience(Frames.gpuOffline());
        }
    }

    /** Tells monitors the GPU is busy while any worker runs a task. */
    void activeNotice() {
        Instant now = clock.instant();
        if (busy(now)) {
            connections.sendToRole(Role.MONITOR, Frames.taskActive("", "fleet_busy", now));
        }
    }

    @Override
    public void start() {
        // Presence expiry (a crashed worker leaves no tombstone) is noticed by re-evaluating every second.
        timers.every(Duration.ofSeconds(1), "fleet evaluation", this::evaluate);
        timers.every(settings.activeNoticeInterval(), "gpu.task.active notice", this::activeNotice);
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
