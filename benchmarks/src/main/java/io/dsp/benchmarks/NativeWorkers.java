package io.dsp.benchmarks;

import io.dsp.gpuconsumer.GpuConsumerApplication;
import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.testkit.DspInfrastructureInitializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * gpu-consumer workers started in the bench's JVM on the in-JVM broker, with the simulated HeyGem engine taking a set
 * time per task (one progress step), quiet logs and the slots' poll timeout the raw consumers get too.
 */
final class NativeWorkers implements AutoCloseable {

    private final List<ConfigurableApplicationContext> workers = new ArrayList<>();

    /**
     * {@code count} workers of {@code slots} slots each, whose engine spends {@code work} per task; every worker is
     * started (its context refreshed) when this returns, not necessarily in the fleet's group yet.
     */
    NativeWorkers(int count, int slots, Duration work, Duration pollTimeout) {
        try {
            for (int i = 0; i < count; i++) {
                workers.add(start(slots, work, pollTimeout));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Tasks the workers ran to success so far (their decision counters). */
    long succeeded() {
        return workers.stream()
                .mapToLong(w -> {
                    Counter c = w.getBean(MeterRegistry.class)
                            .find(WorkerMetrics.TASK_DECISIONS)
                            .tag("decision", "succeed")
                            .counter();
                    return c == null ? 0 : (long) c.count();
                })
                .sum();
    }

    /**
     * Where the slots' time between two tasks went ({@link WorkerMetrics#HANDOVER}), summed over the workers: each
     * step's mean and count, in the order a task meets them.
     */
    String handOver() {
        StringBuilder said = new StringBuilder();
        for (String step : WorkerMetrics.HANDOVER_STEPS) {
            long count = 0;
            double totalMillis = 0;
            for (ConfigurableApplicationContext w : workers) {
                Timer timer = w.getBean(MeterRegistry.class)
                        .find(WorkerMetrics.HANDOVER)
                        .tag(MetricNames.TAG_STEP, step)
                        .timer();
                if (timer != null) {
                    count += timer.count();
                    totalMillis += timer.totalTime(TimeUnit.MILLISECONDS);
                }
            }
            said.append(said.isEmpty() ? "" : ", ")
                    .append(String.format(
                            Locale.ROOT,
                            "%s %.1f ms (%d)",
                            step,
                            count == 0 ? Double.NaN : totalMillis / count,
                            count));
        }
        return said.toString();
    }

    private static ConfigurableApplicationContext start(int slots, Duration work, Duration pollTimeout) {
        Map<String, Object> properties = new HashMap<>(DspInfrastructureInitializer.properties());
        properties.put("server.port", 0);
        properties.put("dsp.gpu-consumer.worker-id", "bench-" + UUID.randomUUID());
        properties.put("dsp.gpu-consumer.max-concurrent", slots);
        properties.put("dsp.gpu-consumer.heygem.engine", "simulated");
        properties.put("dsp.gpu-consumer.heygem.simulated.duration", work.toMillis() + "ms");
        properties.put("dsp.gpu-consumer.heygem.simulated.progress-steps", 1);
        properties.put("dsp.gpu-consumer.poll-timeout", pollTimeout.toMillis() + "ms");
        properties.put("logging.level.root", "WARN");
        properties.put("logging.level.io.dsp", "WARN");
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return GpuConsumerApplication.builder().run(args);
    }

    @Override
    public void close() {
        workers.forEach(ConfigurableApplicationContext::close);
    }
}
