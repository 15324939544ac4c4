package io.dsp.gateway.routing;

import io.dsp.core.intake.ClientRequestIds;
import io.dsp.core.store.ResultLinks;
import io.dsp.gateway.GatewayNode;
import io.dsp.gateway.Timers;
import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.connection.Connections;
import io.dsp.gateway.connection.Role;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import io.dsp.gateway.relay.Relay;
import io.dsp.gateway.relay.RelaySettings;
import io.dsp.schemas.avro.RelayTarget;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.event.OutcomeFence;
import io.dsp.schemas.topic.Lane;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns {@code dsp.task-events} into frames, whichever instance or worker produced them. Every instance reads every
 * event; the {@code ACCEPTED} event's origin (edge, instance, {@code sender_fd}) says who delivers:
 *
 * <ul>
 *   <li>a task submitted over a WebSocket is the accepting instance's: it sends results and progress to the
 *       submitting connection if it is still open there, else (the client reconnected, perhaps to another instance)
 *       to every connection of the license on every instance, through the relay (legacy {@code _replyToClient});
 *   <li>a task accepted by an instance that is gone (no alive beat on the relay for three intervals) goes to every
 *       connection of the license on each remaining instance; results that arrived while that instance still counted
 *       as alive are held here for a while and delivered the same way once it is taken for gone;
 *   <li>any other task (HTTP, or one whose acceptance this instance did not see) goes to every connection of the
 *       license on each instance, each instance delivering to its own.
 * </ul>
 *
 * Every accepted task is announced to this instance's monitors (the legacy per-task notice the power manager counts as
 * work); every instance does so for its own monitors.
 */
@Component
public class EventRouter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventRouter.class);

    /** Progress status of a result that arrived after its task ended (cancelled): recorded, never shown to clients. */
    public static final String DISCARDED = "discarded";

    private static final int ENDED_REMEMBERED = 100_000;
    private static final int HELD_LIMIT = 20_000;

    private final Connections connections;
    private final Origins origins;
    private final GatewayNode node;
    private final Relay relay;
    private final JsonMapper json;
    private final RelaySettings relaySettings;
    private final Clock clock;
    private final ResultLinks links;
    private final Deque<Held> held = new ArrayDeque<>();
    private final Timers timers;
    private final UnclaimedResults unclaimed;
    /** Events from before this moment are replays of what an earlier instance may not have delivered (ADR 029). */
    private final Instant startedAt;

    private final Map<String, Boolean> ended = new java.util.LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > ENDED_REMEMBERED;
        }
    };

    /** Where each recent task's latest attempt stands, so a stale outcome is never delivered as its end (ADR 018). */
    private final Map<String, OutcomeFence> fences = new java.util.LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, OutcomeFence> eldest) {
            return size() > ENDED_REMEMBERED;
        }
    };

    EventRouter(
            Connections connections,
            Origins origins,
            GatewayNode node,
            Relay relay,
            JsonMapper json,
            RelaySettings relaySettings,
            Clock clock,
            ResultLinks links,
            ResultDeliverySettings delivery,
            @Qualifier("gatewayTimers") TaskScheduler scheduler) {
        this.links = links;
        this.startedAt = clock.instant();
        this.unclaimed = new UnclaimedResults(delivery.holdFor(), delivery.heldPerLicense());
        // a client that registers gets the results of its license that ended while it had no connection here
        connections.onClientReady(
                client -> unclaimed.claim(client.key(), clock.instant()).forEach(client::send));
        this.timers = new Timers(scheduler);
        this.relaySettings = relaySettings;
        this.clock = clock;
        this.connections = connections;
        this.origins = origins;
        this.node = node;
        this.relay = relay;
        this.json = json;
    }

    public void route(TaskEvent event) {
        switch (event.getType()) {
            case ACCEPTED -> {
                origins.accepted(event.getRequestId(), event.getLicenseKey(), event.getOrigin());
                connections.sendToRole(
                        Role.MONITOR, Frames.monitorJobNotice(event.getTaskType(), event.getLicenseKey()));
            }
            case PROGRESS -> {
                TaskProgress p = event.getProgress();
                if (p != null && !DISCARDED.equals(p.getStatus()) && !ended(event.getRequestId())) {
                    deliver(
                            event,
                            List.of(Frames.progress(
                                    shown(event),
                                    p.getStatus(),
                                    p.getPercent(),
                                    p.getMessage(),
                                    p.getTotalFrames(),
                                    p.getCurrentFrame(),
                                    event.getAt())),
                            false);
                }
            }
            case SUCCEEDED, FAILED, DEAD_LETTERED, CANCELLED -> {
                // Only the first end is delivered: a late result after a cancellation is never shown as a success,
                // nor a stale one of an attempt whose task was handed on and started again.
                if (admitted(event) && endedNow(event.getRequestId())) {
                    deliver(event, results(event), true);
                }
                fence(event);
            }
            case STARTED -> fence(event);
            default -> {
                // QUEUED, DISPATCHED, STARTED: no legacy frame
            }
        }
    }

    private void fence(TaskEvent event) {
        synchronized (fences) {
            fences.computeIfAbsent(event.getRequestId(), id -> new OutcomeFence())
                    .apply(event);
        }
    }

    private boolean admitted(TaskEvent event) {
        synchronized (fences) {
            OutcomeFence fence = fences.get(event.getRequestId());
            return fence == null || fence.admits(event);
        }
    }

    private boolean ended(String requestId) {
        synchronized (ended) {
            return ended.containsKey(requestId);
        }
    }

    private boolean endedNow(String requestId) {
        synchronized (ended) {
            return ended.put(requestId, Boolean.TRUE) == null;
        }
    }

    /**
     * The result as clients receive it: {@code gpu.job.result}, then the same as {@code gpu_task_result}. A result that
     * was stored (a synthesised video) carries {@code result_url}, a signed expiring link that needs no header.
     */
    private List<Map<String, Object>> results(TaskEvent event) {
        if (Lane.of(event.getTaskType()) == Lane.AUTOMATION) {
            return List.of(automationResult(event));
        }
        Object result = null;
        String error = null;
        if (event.getType() == TaskEventType.SUCCEEDED) {
            result = parse(event.getResultJson());
            if (result instanceof ObjectNode object
                    && object.path("task_id").asString("").equals(event.getRequestId())) {
                object.put("task_id", shown(event)); // the id its client knows (ADR 015)
            }
            if (event.getStored() != null && result instanceof ObjectNode object) {
                links.link(event.getRequestId(), event.getStored().getExpiresAt())
                        .ifPresent(url -> object.put("result_url", url));
            }
        } else if (event.getType() == TaskEventType.CANCELLED) {
            error = event.getError() != null ? event.getError().getMessage() : "任务已取消";
        } else {
            error = event.getError() != null ? event.getError().getMessage() : "未知错误";
        }
        return List.of(
                Frames.result(MessageType.GPU_JOB_RESULT, event.getTaskType(), shown(event), result, error),
                Frames.result(MessageType.GPU_TASK_RESULT, event.getTaskType(), shown(event), result, error));
    }

    /** An automation task's end in the legacy frame its sender waits for ({@code result} / {@code chatglm_video_result}). */
    private Map<String, Object> automationResult(TaskEvent event) {
        if (event.getType() == TaskEventType.SUCCEEDED) {
            Map<String, Object> fields = new java.util.LinkedHashMap<>();
            if (parse(event.getResultJson()) instanceof ObjectNode object) {
                object.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
            }
            return Frames.automationResult(event.getTaskType(), shown(event), fields, null);
        }
        String error = event.getError() != null
                ? event.getError().getMessage()
                : event.getType() == TaskEventType.CANCELLED ? "任务已取消" : "未知错误";
        return Frames.automationResult(event.getTaskType(), shown(event), Map.of(), error);
    }

    /** The task's id as its client knows it: its own request id when it chose one (ADR 015). */
    private static String shown(TaskEvent event) {
        return ClientRequestIds.shown(event.getLicenseKey(), event.getRequestId());
    }

    /** {@code keep}: frames that find no client of the license here are held for its next one (results). */
    private void deliver(TaskEvent event, List<Map<String, Object>> frames, boolean keep) {
        String key = event.getLicenseKey();
        Optional<TaskOrigin> origin = origins.origin(event.getRequestId());
        if (origin.isPresent()
                && origin.get().getChannel() == TaskChannel.WEBSOCKET
                && origin.get().getNodeId() != null) {
            if (!node.id().equals(origin.get().getNodeId())) {
                // A replayed event is not left to its accepting instance: that one may be the instance whose end the
                // replay covers, and one killed while it waited to tell would take the result with it (ADR 029).
                if (relay.isAlive(origin.get().getNodeId()) && !event.getAt().isBefore(startedAt)) {
                    // The accepting instance routes it; kept a while in case that instance turns out to be gone.
                    hold(new Held(origin.get().getNodeId(), key, frames, clock.instant(), keep));
                    return;
                }
                // The accepting instance is gone (its clients reconnected elsewhere): each instance delivers to the
                // license's connections it has, as the legacy fallback.
                toLicense(key, frames, keep);
                return;
            }
            Optional<Connection> sender = fd(origin.get().getConnectionId())
                    .flatMap(connections::byFd)
                    .filter(c -> c.role() == Role.CLIENT && key.equals(c.key()));
            if (sender.isPresent()) {
                frames.forEach(sender.get()::send);
                return;
            }
            if (keep && connections.clientsOf(key).isEmpty()) {
                unclaimed.hold(key, frames, clock.instant()); // its client may come back here
            }
            frames.forEach(frame -> relay.everywhere(RelayTarget.LICENSE, key, frame));
            log.debug(
                    "sender of requestId={} is gone; relayed to every connection of its license", event.getRequestId());
            return;
        }
        toLicense(key, frames, keep);
    }

    /** To every client of the license here; with {@code keep}, held for the next one when there is none. */
    private void toLicense(String key, List<Map<String, Object>> frames, boolean keep) {
        List<Connection> targets = connections.clientsOf(key);
        if (targets.isEmpty() && keep) {
            unclaimed.hold(key, frames, clock.instant());
            return;
        }
        targets.forEach(c -> frames.forEach(c::send));
    }

    /** Results kept for a license's next client here (no client of theirs was connected when they ended). */
    public int resultsAwaitingAClient() {
        return unclaimed.size();
    }

    /** Frames another instance should have delivered, kept until that instance is known alive or gone. */
    private record Held(String nodeId, String key, List<Map<String, Object>> frames, Instant at, boolean keep) {}

    private void hold(Held frames) {
        synchronized (held) {
            held.addLast(frames);
            if (held.size() > HELD_LIMIT) {
                held.removeFirst();
            }
        }
    }

    /**
     * Frames held for an instance that has since been taken for gone go to this instance's connections of the license
     * (its clients reconnected); frames of an instance that stayed alive past the detection time are dropped.
     */
    void sweep() {
        Instant now = clock.instant();
        Duration keep = relaySettings.aliveInterval().multipliedBy(6);
        List<Held> orphaned = new java.util.ArrayList<>();
        synchronized (held) {
            for (var it = held.iterator(); it.hasNext(); ) {
                Held h = it.next();
                if (!relay.isAlive(h.nodeId())) {
                    orphaned.add(h);
                    it.remove();
                } else if (h.at().plus(keep).isBefore(now)) {
                    it.remove();
                }
            }
        }
        for (Held h : orphaned) {
            toLicense(h.key(), h.frames(), h.keep());
        }
        unclaimed.expire(now);
    }

    @Override
    public void start() {
        timers.every(Duration.ofSeconds(1), "held results sweep", this::sweep);
    }

    @Override
    public void stop() {
        timers.cancelAll();
    }

    @Override
    public boolean isRunning() {
        return timers.active();
    }

    private static Optional<Long> fd(String connectionId) {
        try {
            return connectionId == null ? Optional.empty() : Optional.of(Long.parseLong(connectionId));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Object parse(String resultJson) {
        if (resultJson == null) {
            return Map.of();
        }
        try {
            return json.readTree(resultJson);
        } catch (JacksonException e) {
            return resultJson;
        }
    }
}
