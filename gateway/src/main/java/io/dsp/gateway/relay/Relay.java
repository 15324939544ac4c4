package io.dsp.gateway.relay;

import io.dsp.gateway.GatewayNode;
import io.dsp.gateway.Timers;
import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.connection.Connections;
import io.dsp.gateway.connection.Role;
import io.dsp.gateway.fleet.FleetWatch;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import io.dsp.schemas.avro.RelayFrame;
import io.dsp.schemas.avro.RelayTarget;
import io.dsp.schemas.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Frames for connections that may live on any gateway instance, through {@code dsp.gateway-relay}: the sender delivers
 * to its own matching connections at once and publishes the frame; every other instance reads the whole topic (its
 * own position, from its start on) and delivers to its matching connections. An instance skips what it published
 * itself and drops duplicates by relay id.
 *
 * <p>{@code LICENSE} frames of the device-to-device types go to the device they name, as on one instance:
 * {@code mobile_task} to the license's PC (which then answers the mobile with the legacy {@code ack} through the
 * relay), {@code sync} to {@code target_device}, {@code mobile_task_result} to its {@code sender_fd}.
 */
@Component
public class Relay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    private static final String ALIVE_FRAME = "{\"type\":\"gateway.alive\"}";

    private final Connections connections;
    private final GatewayNode node;
    private final String ownWorkerPrefix;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final JsonMapper json;
    private final Clock clock;
    private final RelaySettings settings;
    private final Map<String, Boolean> seen;
    private final Map<String, Long> awaitingAnswer = new ConcurrentHashMap<>();
    private final Map<String, Instant> heard = new ConcurrentHashMap<>();
    private volatile Instant startedAt;
    private final Timers timers;

    Relay(
            Connections connections,
            GatewayNode node,
            KafkaTemplate<byte[], byte[]> kafka,
            JsonMapper json,
            Clock clock,
            RelaySettings settings,
            @Qualifier("gatewayTimers") TaskScheduler scheduler) {
        this.timers = new Timers(scheduler);
        this.connections = connections;
        this.node = node;
        this.ownWorkerPrefix = FleetWatch.workerIdPrefix(node);
        this.kafka = kafka;
        this.json = json;
        this.clock = clock;
        this.settings = settings;
        int capacity = settings.remembered();
        this.seen = java.util.Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        });
    }

    /** Delivers to this instance's matching connections and to every other instance's. */
    public void everywhere(RelayTarget target, String address, Map<String, Object> frame) {
        String text = json.writeValueAsString(frame);
        deliver(target, address, text);
        publish(target, address, text);
    }

    /** Publishes to the other instances only: the caller found no matching connection here. */
    public void elsewhere(RelayTarget target, String address, Map<String, Object> frame) {
        publish(target, address, json.writeValueAsString(frame));
    }

    /**
     * A {@code mobile_task} for a PC on another instance: relayed, and the mobile gets the legacy "PC offline" error
     * unless some instance delivered it (and relayed back its {@code ack}) within the configured time.
     */
    public void toRemoteDevice(Connection from, Map<String, Object> frame, String requestId, String offlineText) {
        String waitKey = from.fd() + "|" + requestId;
        awaitingAnswer.put(waitKey, from.fd());
        publish(RelayTarget.LICENSE, from.key(), json.writeValueAsString(frame));
        timers.once(settings.deviceAnswerTimeout(), "device answer timeout", () -> {
            if (awaitingAnswer.remove(waitKey) != null) {
                from.send(Frames.error(offlineText, requestId));
            }
        });
    }

    /** A record of {@code dsp.gateway-relay}, read by the topic reader. */
    public void received(RelayFrame frame) {
        heard.put(frame.getOrigin(), clock.instant());
        if (node.id().equals(frame.getOrigin()) || seen.put(frame.getRelayId(), Boolean.TRUE) != null) {
            return;
        }
        if (frame.getTarget() == RelayTarget.UNKNOWN) {
            return; // an instance's alive beat (or a target of a newer contract): nothing to deliver
        }
        deliver(frame.getTarget(), frame.getAddress(), frame.getFrameJson());
    }

    /**
     * Whether the gateway instance with this node id is alive: heard on the relay within three alive intervals. Until
     * this instance has listened that long, every instance counts as alive (it may simply not have beaten yet).
     */
    public boolean isAlive(String nodeId) {
        if (node.id().equals(nodeId)) {
            return true;
        }
        Instant now = clock.instant();
        Duration grace = settings.aliveInterval().multipliedBy(3);
        if (startedAt == null || startedAt.plus(grace).isAfter(now)) {
            return true;
        }
        Instant last = heard.get(nodeId);
        return last != null && last.plus(grace).isAfter(now);
    }

    /** This instance's alive beat: a frame with no target, which every instance reads and none delivers. */
    void beat() {
        publish(RelayTarget.UNKNOWN, null, ALIVE_FRAME);
    }

    private void publish(RelayTarget target, String address, String text) {
        RelayFrame frame = RelayFrame.newBuilder()
                .setRelayId(UUID.randomUUID().toString())
                .setTarget(target)
                .setAddress(address)
                .setFrameJson(text)
                .setOrigin(node.id())
                .setAt(clock.instant())
                .build();
        kafka.send(Topics.GATEWAY_RELAY.record(address == null ? target.name() + "|" + node.id() : address, frame))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        log.warn("relay of a {} frame failed: {}", target, error.toString());
                    }
                });
    }

    /** Sends the frame to this instance's matching connections; returns how many got it. */
    int deliver(RelayTarget target, String address, String text) {
        List<Connection> targets = switch (target) {
            case CONNECTION -> fd(address).flatMap(connections::byFd).stream().toList();
            case LICENSE -> address == null ? List.of() : license(address, text);
            case MONITORS -> connections.withRole(Role.MONITOR);
            case WORKERS -> connections.withRole(Role.WORKER);
            case WORKER -> worker(address);
            case CLIENTS -> connections.fleetAudience(); // only power and status broadcasts go to every client
            default -> List.of();
        };
        targets.forEach(c -> c.sendText(text));
        if (target == RelayTarget.CONNECTION && !targets.isEmpty()) {
            answered(targets.get(0), text);
        }
        return targets.size();
    }

    private List<Connection> license(String key, String text) {
        JsonNode frame = parse(text);
        String type = frame == null ? "" : frame.path("type").asString("");
        if (MessageType.MOBILE_TASK.wireName().equals(type)) {
            Optional<Connection> pc = connections.device(key, "pc");
            pc.ifPresent(c -> answerMobile(frame));
            return pc.stream().toList();
        }
        if (MessageType.SYNC.wireName().equals(type)) {
            String device = frame.path("target_device").asString("");
            return connections.device(key, device).stream().toList();
        }
        if (MessageType.MOBILE_TASK_RESULT.wireName().equals(type)) {
            return connections
                    .byFd(frame.path("sender_fd").asLong(0))
                    .filter(c -> c.role() == Role.CLIENT && key.equals(c.key()))
                    .stream()
                    .toList();
        }
        return connections.clientsOf(key);
    }

    /** The PC got a relayed mobile_task: the mobile, on the instance that relayed it, gets the legacy ack. */
    private void answerMobile(JsonNode task) {
        long senderFd = task.path("sender_fd").asLong(0);
        if (senderFd <= 0) {
            return;
        }
        Map<String, Object> ack = Frames.ack(
                task.path("request_id").asString(null),
                null,
                "已转发到电脑端 (task_type=" + task.path("task_type").asString("") + ")");
        publish(RelayTarget.CONNECTION, String.valueOf(senderFd), json.writeValueAsString(ack));
    }

    private void answered(Connection to, String text) {
        if (awaitingAnswer.isEmpty()) {
            return;
        }
        JsonNode frame = parse(text);
        if (frame != null
                && MessageType.ACK.wireName().equals(frame.path("type").asString(""))) {
            awaitingAnswer.remove(to.fd() + "|" + frame.path("request_id").asString(""));
        }
    }

    private List<Connection> worker(String workerId) {
        if (workerId == null || !workerId.startsWith(ownWorkerPrefix)) {
            return List.of();
        }
        return fd(workerId.substring(ownWorkerPrefix.length()))
                .flatMap(connections::byFd)
                .filter(c -> c.role() == Role.WORKER)
                .stream()
                .toList();
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static Optional<Long> fd(String value) {
        try {
            return value == null ? Optional.empty() : Optional.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void start() {
        startedAt = clock.instant();
        timers.every(Duration.ZERO, settings.aliveInterval(), "relay alive beat", this::beat);
    }

    @Override
    public void stop() {
        timers.cancelAll();
    }

    @Override
    public boolean isRunning() {
        return timers.active();
    }

    /** Before the web server, so the timer is there for the first frame. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}
