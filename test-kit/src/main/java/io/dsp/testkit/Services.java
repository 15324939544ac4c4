package io.dsp.testkit;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts a service (its {@code builder()}) in this JVM against the test broker and Redis, on a random port. */
public final class Services {

    private Services() {}

    public static ConfigurableApplicationContext start(
            SpringApplicationBuilder application, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(DspInfrastructureInitializer.properties());
        properties.put("server.port", 0);
        properties.putAll(extra);
        // Command-line arguments, because builder properties are defaults that each service's own yml overrides.
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return application.run(args);
    }
}
