package io.dsp.gateway.connection;

import io.dsp.gateway.GatewayNode;
import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every open connection of this instance, by number, with the legacy lookups: all connections of a license, the last
 * connection of each device type of a license, all monitors, all clients. Replaces the legacy Redis fd sets, which
 * outlived their gateway; this state dies with the process, so it can never be stale.
 */
@Component
public class Connections {

    private final List<java.util.function.Consumer<Connection>> clientListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** How long a send may block before the connection is treated as dead; keeps slow peers from stalling routing. */
    private static final int SEND_TIME_LIMIT_MS = 10_000;

    /** Frames buffered for one slow peer before it is dropped. */
    private static final int BUFFER_LIMIT_BYTES = 1 << 20;

    private final GatewayNode node;
    private final FrameSender sender;
    private final AtomicLong opened = new AtomicLong();
    private final Map<Long, Connection> byFd = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> deviceFds = new ConcurrentHashMap<>();

    Connections(GatewayNode node, JsonMapper json, MeterRegistry meters) {
        this.node = node;
        this.sender = new FrameSender(json);
        for (Map.Entry<Role, String> role : Map.of(
                        Role.WORKER, "worker", Role.MONITOR, "gpu_monitor", Role.CLIENT, "client", Role.NONE, "none")
                .entrySet()) {
            Gauge.builder(MetricNames.WS_CONNECTIONS, this, c -> c.countRole(role.getKey()))
                    .description("open /dsp connections of this gateway, by role (none = not registered yet)")
                    .tag(MetricNames.TAG_ROLE, role.getValue())
                    .register(meters);
        }
    }

    private double countRole(Role role) {
        return byFd.values().stream().filter(c -> c.role() == role).count();
    }

    /** Opens a connection, or returns empty when {@code maxConnections} are already open. */
    public Optional<Connection> open(WebSocketSession raw, Instant now, int maxConnections) {
        if (byFd.size() >= maxConnections) {
            return Optional.empty();
        }
        WebSocketSession session = new ConcurrentWebSocketSessionDecorator(raw, SEND_TIME_LIMIT_MS, BUFFER_LIMIT_BYTES);
        Connection connection = new Connection(node.fd(opened.incrementAndGet()), session, sender, now);
        byFd.put(connection.fd(), connection);
        return Optional.of(connection);
    }

    /** Forgets a closed connection; the device routing entry is removed only if it still points to it. */
    public void closed(Connection connection) {
        byFd.remove(connection.fd());
        if (connection.key() != null) {
            deviceFds.computeIfPresent(connection.key(), (key, devices) -> {
                devices.remove(connection.deviceType(), connection.fd());
                return devices.isEmpty() ? null : devices;
            });
        }
    }

    public void registerWorker(Connection connection) {
        connection.registerAs(Role.WORKER, null, null);
    }

    public void registerMonitor(Connection connection) {
        connection.registerAs(Role.MONITOR, null, null);
    }

    /** A connection that only listens to the fleet's power state: filed under no license, so it gets no result. */
    public void registerObserver(Connection connection) {
        connection.registerAs(Role.OBSERVER, null, null);
    }

    /** Files a client under its license; the last connection of each device type wins for device-to-device routing. */
    public void registerClient(Connection connection, String key, String deviceType) {
        connection.registerAs(Role.CLIENT, key, deviceType);
        deviceFds.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(deviceType, connection.fd());
    }

    /** Says that a registered client has had its {@code registered} answer: what waited for it may follow now. */
    public void clientReady(Connection connection) {
        clientListeners.forEach(listener -> listener.accept(connection));
    }

    /** Called with every client connection once it has registered and been answered. */
    public void onClientReady(java.util.function.Consumer<Connection> listener) {
        clientListeners.add(listener);
    }

    public Optional<Connection> byFd(long fd) {
        return Optional.ofNullable(byFd.get(fd)).filter(Connection::isOpen);
    }

    /** The last registered open connection of this device type of the license. */
    public Optional<Connection> device(String key, String deviceType) {
        Map<String, Long> devices = deviceFds.get(key);
        Long fd = devices == null ? null : devices.get(deviceType);
        return fd == null ? Optional.empty() : byFd(fd);
    }

    public List<Connection> clientsOf(String key) {
        return byFd.values().stream()
                .filter(c -> c.role() == Role.CLIENT && key.equals(c.key()) && c.isOpen())
                .toList();
    }

    public List<Connection> withRole(Role role) {
        return byFd.values().stream()
                .filter(c -> c.role() == role && c.isOpen())
                .toList();
    }

    public void sendToRole(Role role, Map<String, Object> frame) {
        withRole(role).forEach(c -> c.send(frame));
    }

    /** Who hears the fleet's power and status broadcasts: clients and observers. */
    public List<Connection> fleetAudience() {
        return byFd.values().stream()
                .filter(c -> (c.role() == Role.CLIENT || c.role() == Role.OBSERVER) && c.isOpen())
                .toList();
    }

    public void sendToFleetAudience(Map<String, Object> frame) {
        fleetAudience().forEach(c -> c.send(frame));
    }

    public Collection<Connection> all() {
        return List.copyOf(byFd.values());
    }

    public int count() {
        return byFd.size();
    }

    /**
     * One heartbeat round: closes connections silent for longer than {@code idleTimeout} and pings the others (legacy
     * workers answer only a JSON {@code ping}; other peers' libraries answer WebSocket pings).
     */
    public void heartbeat(Instant now, Duration idleTimeout, Map<String, Object> jsonPing) {
        for (Connection connection : all()) {
            if (connection.lastSeen().plus(idleTimeout).isBefore(now)) {
                FrameSender.close(connection.session(), CloseStatus.SESSION_NOT_RELIABLE.withReason("idle timeout"));
            } else if (connection.role() == Role.WORKER) {
                connection.send(jsonPing);
            } else {
                sender.ping(connection.session());
            }
        }
    }
}
