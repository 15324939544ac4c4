package io.dsp.gateway.support;

import io.dsp.gateway.GatewayApplication;
import io.dsp.testkit.Services;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Gateways that a test starts itself (rather than through {@code @GatewayIntegrationTest}): with settings of their own,
 * or more than one, or stopped and started again.
 */
public final class Gateways {

    private Gateways() {}

    /**
     * A gateway on a random port with a node id of its own ({@code nodePrefix} and 8 random characters; the broker is
     * shared by every test in the JVM) and {@code settings} on top of gateway.yml's.
     */
    public static ConfigurableApplicationContext start(String nodePrefix, Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put("dsp.gateway.node-id", nodePrefix + UUID.randomUUID().toString().substring(0, 8));
        return Services.start(GatewayApplication.builder(), all);
    }

    /** Where its legacy clients and workers connect: {@code ws://127.0.0.1:PORT/dsp}. */
    public static String url(ApplicationContext gateway) {
        return "ws://127.0.0.1:"
                + ((WebServerApplicationContext) gateway).getWebServer().getPort() + "/dsp";
    }
}
