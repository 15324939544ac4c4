package io.dsp.gateway;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.springframework.stereotype.Component;

/** This instance's name and connection-number prefix, fixed for its lifetime. */
@Component
public class GatewayNode {

    /** Connection numbers of one instance stay below this; the node number is written above it. */
    static final long FDS_PER_NODE = 10_000_000L;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final int number;

    public GatewayNode(GatewaySettings settings) {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        this.id = settings.nodeId().isBlank() ? "gateway-" + HexFormat.of().formatHex(random) : settings.nodeId();
        this.number = settings.nodeNumber() > 0 ? settings.nodeNumber() : 1 + RANDOM.nextInt(9999);
    }

    public String id() {
        return id;
    }

    /** The connection number of the {@code n}-th connection of this instance: unique across instances. */
    public long fd(long n) {
        return number * FDS_PER_NODE + (n % FDS_PER_NODE);
    }
}
