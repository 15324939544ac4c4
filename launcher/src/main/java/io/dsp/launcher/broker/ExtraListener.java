package io.dsp.launcher.broker;

import java.util.regex.Pattern;

/**
 * A further client listener of the embedded broker, with the client listener's security, advertised at another port
 * of 127.0.0.1. Clients that bootstrap there are told that port for every later connection, so whatever stands at the
 * advertised port (a TCP proxy that injects faults, in the system tests) sits between those clients and the broker.
 *
 * @param name listener name, upper case ({@code WORKERS})
 * @param port the port the broker listens on
 * @param advertisedPort the port clients of this listener are told to connect to
 */
public record ExtraListener(String name, int port, int advertisedPort) {

    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,30}");

    public ExtraListener {
        if (name == null || !NAME.matcher(name).matches() || name.equals("CONTROLLER") || name.equals("PLAINTEXT")) {
            throw new IllegalArgumentException(
                    "A listener name is upper-case letters, digits and _ (not CONTROLLER or PLAINTEXT): " + name);
        }
        if (port <= 0 || port > 65_535 || advertisedPort <= 0 || advertisedPort > 65_535) {
            throw new IllegalArgumentException("Listener ports are 1-65535: " + port + ", " + advertisedPort);
        }
    }
}
