package io.dsp.gateway.access;

import io.dsp.gateway.connection.AddressRange;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may connect to {@code /dsp} and register as what (issue 16, {@code docs/security.md}).
 *
 * @param fleetTokens the fleet tokens a worker or monitor may present ({@code "token"} in its register frame); two
 *     during a rotation (old and new). Compared in constant time. {@code dsp.fleet.token} (every service's) and
 *     {@code dsp.gateway.worker-token}, when set, are accepted too. Default none
 * @param tokenlessNetworks source networks (CIDR) from which a worker or monitor may register without a token: the
 *     unchanged HeyGem {@code ws_client.py}, {@code ws_worker.py} and power manager cannot send one. Elsewhere they are
 *     refused with an error frame and a close. Default loopback only ({@code 127.0.0.0/8}, {@code ::1/128}); compose
 *     adds its own network
 * @param allowedOrigins browser origins allowed to open {@code /dsp} (patterns, e.g. {@code https://*.example.com});
 *     default none: same-origin pages only. Clients that send no {@code Origin} (the apps, the fleet) are unaffected
 * @param limitExemptNetworks source networks (CIDR) not held to the per-address limits: loopback by default, where only
 *     local processes connect (a reverse proxy on this host, which limits per client itself, or a benchmark); empty it
 *     to hold every address to them
 * @param maxConnectionsPerAddress open connections one source address may hold; default 256
 * @param newConnectionsPerSecond new connections one source address may open per second; default 20
 * @param registerTimeout how long a connection may stay unregistered after {@code connected}; default 30 s
 * @param maxUnregistered unregistered connections the instance holds at once; further ones are refused; default 2000
 * @param licenseRecheckInterval how often open client connections are checked against their license (disabled or
 *     expired ones are told and closed); default 2 s
 * @param deviceBinding how an app's {@code register} honours the license's device binding (the HTTP rule: per license
 *     and device type, the first machine code binds, any other is refused): {@code WHEN_SENT} (default) checks a
 *     register that carries {@code machine_code} and lets one without it in, because the legacy apps send none on the
 *     socket; {@code REQUIRED} refuses a register without it; {@code OFF} ignores it
 */
@Validated
@ConfigurationProperties("dsp.gateway.access")
public record AccessSettings(
        List<String> fleetTokens,
        @DefaultValue({"127.0.0.0/8", "::1/128"}) List<String> tokenlessNetworks,
        List<String> allowedOrigins,
        @DefaultValue({"127.0.0.0/8", "::1/128"}) List<String> limitExemptNetworks,
        @Min(1) @DefaultValue("256") int maxConnectionsPerAddress,
        @Min(1) @DefaultValue("20") int newConnectionsPerSecond,
        @NotNull @DefaultValue("30s") Duration registerTimeout,
        @Min(1) @DefaultValue("2000") int maxUnregistered,
        @NotNull @DefaultValue("2s") Duration licenseRecheckInterval,
        @NotNull @DefaultValue("WHEN_SENT") DeviceBindingPolicy deviceBinding) {

    /** How a client's register honours the license's device binding. */
    public enum DeviceBindingPolicy {
        /** Not checked. */
        OFF,
        /** Checked when the register carries {@code machine_code}; a register without it is let in (legacy apps). */
        WHEN_SENT,
        /** A register without {@code machine_code} is refused. */
        REQUIRED
    }

    public AccessSettings {
        fleetTokens = fleetTokens == null
                ? List.of()
                : fleetTokens.stream().filter(t -> t != null && !t.isBlank()).toList();
        tokenlessNetworks = tokenlessNetworks == null ? List.of() : List.copyOf(tokenlessNetworks);
        tokenlessNetworks.forEach(AddressRange::parse); // a bad range stops the start, it is never ignored
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        limitExemptNetworks = limitExemptNetworks == null ? List.of() : List.copyOf(limitExemptNetworks);
        limitExemptNetworks.forEach(AddressRange::parse);
    }
}
