package io.dsp.core.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * The connection and security settings of a client configuration (bootstrap servers, {@code security.protocol},
 * {@code sasl.*}, {@code ssl.*}): what every client of a service must carry to reach a locked-down cluster, without the
 * client-type settings a share consumer refuses (a classic consumer's {@code isolation.level}, {@code
 * auto.offset.reset}...). Clients Spring Boot does not build (share consumers) start from these.
 */
public final class ClientSecurity {

    private ClientSecurity() {}

    /** The connection and security entries of {@code config} (Boot's admin or common properties, say). */
    public static Map<String, Object> of(Map<String, ?> config) {
        Map<String, Object> out = new HashMap<>();
        config.forEach((key, value) -> {
            if (value != null && carries(key)) {
                out.put(key, value);
            }
        });
        return out;
    }

    private static boolean carries(String key) {
        return key.equals("bootstrap.servers")
                || key.equals("security.protocol")
                || key.startsWith("sasl.")
                || key.startsWith("ssl.")
                || key.equals("client.dns.lookup");
    }
}
