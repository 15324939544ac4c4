package io.dsp.gpuconsumer.support;

import io.dsp.gpuconsumer.GpuConsumerApplication;
import io.dsp.testkit.DspInfrastructureInitializer;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/** Another worker beside the test's own, on the same broker, with the test handlers and settings of its own. */
public final class ExtraWorkers {

    private ExtraWorkers() {}

    /**
     * Starts a worker with this id (presence every second, a random port) and {@code settings} on top of the test
     * infrastructure's; the caller closes it.
     */
    public static ConfigurableApplicationContext start(String workerId, Map<String, Object> settings) {
        Map<String, Object> properties = new HashMap<>(DspInfrastructureInitializer.properties());
        properties.put("server.port", 0);
        properties.put("dsp.gpu-consumer.worker-id", workerId);
        properties.put("dsp.gpu-consumer.heartbeat-interval", "1s");
        properties.putAll(settings);
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return GpuConsumerApplication.builder().sources(TestHandlers.class).run(args);
    }
}
