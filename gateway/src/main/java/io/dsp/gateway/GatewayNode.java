package io.dsp.gateway;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.springframework.stereotype.Component;

/** This instance's name and connection-number prefix, fixed for its lifetime. */
@Component
public class GatewayNode {

    /** Connection numbers of one instance stay below this; the node number is written above it. */
    static final long FDS_PER_NODE = 10_000_000L;

    static final int MAX_NODE_NUMBER = 9999;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final int number;

    /**
     * Redis counter that hands out node numbers, so instances started against one Redis never share one. An instance
     * that starts while Redis is out takes a random number (as without Redis), kept for its lifetime (ADR 022).
     */
    static final String NODE_SEQUENCE = "dsp:gateway:node-seq";

    public GatewayNode(GatewaySettings settings, RedisAccess redis) {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        this.id = settings.nodeId().isBlank() ? "gateway-" + HexFormat.of().formatHex(random) : settings.nodeId();
        this.number = settings.nodeNumber() > 0
                ? settings.nodeNumber()
                : redis.call(r -> r.incr(NODE_SEQUENCE))
                        .map(n -> (int) (1 + Math.floorMod(n - 1, MAX_NODE_NUMBER)))
                        .orElseGet(() -> 1 + RANDOM.nextInt(MAX_NODE_NUMBER));
    }

    /** The node number: the prefix of every {@code fd} of this instance. */
    public int number() {
        return number;
    }

    public String id() {
        return id;
    }

    /** The connection number of the {@code n}-th connection of this instance: unique across instances. */
    public long fd(long n) {
        return number * FDS_PER_NODE + (n % FDS_PER_NODE);
    }
}
