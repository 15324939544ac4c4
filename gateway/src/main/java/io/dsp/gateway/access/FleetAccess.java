package io.dsp.gateway.access;

import io.dsp.gateway.GatewaySettings;
import io.dsp.gateway.connection.AddressRange;
import io.dsp.gateway.connection.Connection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Whether a connection may register as a worker or monitor: with a fleet token (any of the configured ones, compared in
 * constant time), or without one from a tokenless network (the unchanged legacy fleet, which cannot send a token). A
 * wrong token is refused wherever it comes from; so is a tokenless register from anywhere else.
 */
@Component
@EnableConfigurationProperties(AccessSettings.class)
public class FleetAccess {

    private static final Logger log = LoggerFactory.getLogger(FleetAccess.class);

    /** What a refused worker or monitor is told (then the connection is closed). */
    public static final String WRONG_TOKEN = "worker 令牌无效";

    public static final String NOT_ALLOWED_HERE = "未授权的连接来源，请使用令牌注册";

    private final List<byte[]> tokens = new ArrayList<>();
    private final List<AddressRange> tokenless;

    FleetAccess(
            AccessSettings settings,
            GatewaySettings gateway,
            @org.springframework.beans.factory.annotation.Value("${dsp.fleet.token:}") String fleetToken) {
        settings.fleetTokens().forEach(t -> tokens.add(t.getBytes(StandardCharsets.UTF_8)));
        if (!fleetToken.isBlank()) {
            tokens.add(fleetToken.getBytes(StandardCharsets.UTF_8));
        }
        if (!gateway.workerToken().isBlank()) {
            tokens.add(gateway.workerToken().getBytes(StandardCharsets.UTF_8));
        }
        this.tokenless =
                settings.tokenlessNetworks().stream().map(AddressRange::parse).toList();
    }

    /**
     * Why this connection may not register as a fleet member ({@code role} {@code worker} or {@code gpu_monitor}) with
     * this token, if it may not.
     */
    public Optional<String> refusal(Connection from, String role, String token) {
        if (token != null && !tokens.isEmpty()) {
            if (matches(token)) {
                return Optional.empty();
            }
            log.warn("refused a {} register with a wrong fleet token from {}", role, from.remoteAddress());
            return Optional.of(WRONG_TOKEN);
        }
        String address = from.remoteAddress();
        if (address != null && tokenless.stream().anyMatch(r -> r.contains(address))) {
            return Optional.empty();
        }
        log.warn("refused a {} register without a valid fleet token from {}", role, address);
        return Optional.of(token == null ? NOT_ALLOWED_HERE : WRONG_TOKEN);
    }

    /** Constant time over every configured token, so neither a match nor its position leaks through timing. */
    private boolean matches(String token) {
        byte[] offered = token.getBytes(StandardCharsets.UTF_8);
        boolean any = false;
        for (byte[] valid : tokens) {
            any |= MessageDigest.isEqual(valid, offered);
        }
        return any;
    }
}
