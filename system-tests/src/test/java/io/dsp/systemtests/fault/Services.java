package io.dsp.systemtests.fault;

import io.dsp.testkit.RedisTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts a service in this JVM against the suite's broker process (not the test-kit's in-JVM broker). */
final class Services {

    private Services() {}

    static ConfigurableApplicationContext start(
            SpringApplicationBuilder application, String bootstrapServers, Map<String, Object> extra)
            throws IOException {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.kafka.bootstrap-servers", bootstrapServers);
        properties.put("spring.data.redis.host", RedisTestServer.get().host());
        properties.put("spring.data.redis.port", RedisTestServer.get().port());
        // the machine may be loaded: Lettuce's 1 s connection timeout is too tight for it
        properties.put("spring.data.redis.timeout", "10s");
        properties.put("spring.data.redis.connect-timeout", "10s");
        properties.put("dsp.data-dir", Files.createTempDirectory("dsp-fault-").toString());
        properties.put("server.port", 0);
        properties.put("logging.level.root", "WARN");
        properties.put("logging.level.io.dsp", "INFO");
        properties.putAll(extra);
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return application.run(args);
    }
}
