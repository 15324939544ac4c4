package io.dsp.gateway.access;

import io.dsp.core.license.LicenseValidity;
import io.dsp.gateway.GatewaySettings;
import io.dsp.gateway.Timers;
import io.dsp.gateway.connection.AddressRange;
import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.connection.Connections;
import io.dsp.gateway.connection.Role;
import io.dsp.gateway.license.LicenseRegistry;
import io.dsp.gateway.protocol.Frames;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Connection hygiene on {@code /dsp}: how many connections one source address may hold and open per second, how many
 * unregistered connections the instance holds, how long a connection may stay unregistered, and that a client whose
 * license is disabled or expires while connected is told (the legacy error frame) and closed within seconds.
 */
@Component
public class ConnectionGuard implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

    public static final String REGISTER_TIMEOUT = "注册超时，连接已关闭";
    public static final String LICENSE_REVOKED = "授权码无效或已过期";

    private final AccessSettings settings;
    private final GatewaySettings gateway;
    private final Connections connections;
    private final LicenseRegistry licenses;
    private final Clock clock;
    private final Timers timers;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final Map<String, long[]> opening = new ConcurrentHashMap<>();
    private final java.util.List<AddressRange> exempt;

    ConnectionGuard(
            AccessSettings settings,
            GatewaySettings gateway,
            Connections connections,
            LicenseRegistry licenses,
            Clock clock,
            @Qualifier("gatewayTimers") TaskScheduler scheduler) {
        this.settings = settings;
        this.gateway = gateway;
        this.connections = connections;
        this.licenses = licenses;
        this.clock = clock;
        this.timers = new Timers(scheduler);
        this.exempt =
                settings.limitExemptNetworks().stream().map(AddressRange::parse).toList();
    }

    /**
     * Counts a new connection from this address, or says why it may not open (too many from the address, too fast, or
     * too many unregistered connections here).
     */
    public Optional<String> admit(String address) {
        if (connections.withRole(Role.NONE).size() >= settings.maxUnregistered()) {
            return Optional.of("too many unregistered connections");
        }
        if (exempt(address)) {
            return Optional.empty();
        }
        String from = address == null ? "?" : address;
        long second = clock.instant().getEpochSecond();
        long[] window = opening.computeIfAbsent(from, a -> new long[2]);
        synchronized (window) {
            if (window[0] != second) {
                window[0] = second;
                window[1] = 0;
            }
            if (++window[1] > settings.newConnectionsPerSecond()) {
                return Optional.of("too many new connections from " + from);
            }
        }
        int[] refused = {0};
        open.compute(from, (a, n) -> {
            int now = n == null ? 0 : n;
            if (now >= settings.maxConnectionsPerAddress()) {
                refused[0] = 1;
                return now;
            }
            return now + 1;
        });
        if (refused[0] == 1) {
            return Optional.of("too many connections from " + from);
        }
        return Optional.empty();
    }

    /** The connection was admitted and opened: it must register within the deadline. */
    public void opened(Connection connection) {
        timers.once(settings.registerTimeout(), "register deadline", () -> {
            if (connection.isOpen() && connection.role() == Role.NONE) {
                connection.refuse(Frames.error(REGISTER_TIMEOUT, null), "register timeout");
            }
        });
    }

    /** An admitted connection closed. */
    public void closed(String address) {
        if (exempt(address)) {
            return;
        }
        open.computeIfPresent(address == null ? "?" : address, (a, n) -> n <= 1 ? null : n - 1);
    }

    private boolean exempt(String address) {
        return address != null && exempt.stream().anyMatch(r -> r.contains(address));
    }

    /** Clients whose license was disabled or has expired since they registered are told and closed. */
    void recheckLicenses() {
        if (!gateway.validateLicenses()) {
            return;
        }
        Instant now = clock.instant();
        for (Connection c : connections.withRole(Role.CLIENT)) {
            if (c.key() != null
                    && !LicenseValidity.usable(licenses.find(c.key()).orElse(null), now)) {
                log.info("closing {}: its license is no longer valid", c);
                c.refuse(Frames.error(LICENSE_REVOKED, null), "license no longer valid");
            }
        }
        // forget the rate windows of addresses that opened nothing this second
        long second = now.getEpochSecond();
        opening.entrySet().removeIf(e -> e.getValue()[0] < second - 1);
    }

    @Override
    public void start() {
        timers.every(settings.licenseRecheckInterval(), "license recheck of open connections", this::recheckLicenses);
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
