package io.dsp.gpuconsumer.slot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.gpuconsumer.GpuConsumerApplication;
import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.gpuconsumer.execution.TaskHandler;
import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.gpuconsumer.support.TestTasks;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.DspInfrastructureInitializer;
import io.dsp.testkit.KafkaTestBroker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * How fast the fleet drains a backlog of no-op tasks from {@code dsp.dispatch}, next to raw {@link KafkaShareConsumer}s
 * with the slots' settings (explicit acknowledgement, {@code record_limit}, {@code max.poll.records=1}, ACCEPT and
 * {@code commitSync} per record) draining the same topic in the same share group on the same broker in the same run.
 * A worker does per task what the raw consumer does, plus the ledger look, STARTED and SUCCEEDED (each waited for).
 *
 * <p>Not part of the build (its name matches neither {@code *Test} nor {@code *IT}); run it with
 *
 * <pre>
 * ./mvnw -pl gpu-consumer verify -Dit.test=DrainBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbench.tasks=100000
 * </pre>
 *
 * Each run first waits until all its members have joined the group, then writes the backlog; the rate is taken from the
 * first to the last completed task, so joining and starting do not count; the report goes to stdout and {@code gpu-consumer/target/drain-benchmark.txt}.
 */
@Tag("benchmark")
class DrainBenchmark {

    private static final String NOOP = "bench_noop";
    private static final int SLOTS = 3;

    private final int tasks = Integer.getInteger("bench.tasks", 10_000);

    @Test
    void drainsABacklogOfNoOpTasks() throws Exception {
        StringBuilder report = new StringBuilder();
        report.append(String.format(
                Locale.ROOT,
                "drain of %,d no-op tasks from %s, %d slots per instance, %d CPUs%n",
                tasks,
                Topics.DISPATCH.name(),
                SLOTS,
                Runtime.getRuntime().availableProcessors()));
        // the first drain in a JVM runs cold (JIT, broker caches): run one untimed so that all four compare alike
        raw(SLOTS);
        double raw1 = raw(SLOTS);
        double worker1 = workers(1);
        double raw2 = raw(2 * SLOTS);
        double worker2 = workers(2);
        report.append(line("raw share consumers x" + SLOTS, raw1, raw1))
                .append(line("1 gpu-consumer (" + SLOTS + " slots)", worker1, raw1))
                .append(line("raw share consumers x" + 2 * SLOTS, raw2, raw2))
                .append(line("2 gpu-consumers (" + 2 * SLOTS + " slots)", worker2, raw2));
        System.out.print(report);
        Files.writeString(Path.of("target", "drain-benchmark.txt"), report);
    }

    private static String line(String what, double rate, double baseline) {
        return String.format(Locale.ROOT, "%-32s %9.1f tasks/s  %5.2f x raw%n", what, rate, rate / baseline);
    }

    /** Tasks per second of raw share consumers in the fleet group. */
    private double raw(int consumers) throws Exception {
        AtomicInteger done = new AtomicInteger();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            Thread thread = new Thread(() -> drainRaw(done, first, last), "raw-" + i);
            threads.add(thread);
            thread.start();
        }
        awaitMembers(consumers);
        release();
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(30));
        }
        assertThat(done.get()).isGreaterThanOrEqualTo(tasks);
        return rate(first.get(), last.get());
    }

    private void drainRaw(AtomicInteger done, AtomicLong first, AtomicLong last) {
        Map<String, Object> config = new HashMap<>(ShareConsumerConfiguration.SLOT_SETTINGS);
        config.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers());
        try (KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(config)) {
            consumer.subscribe(List.of(Topics.DISPATCH.name()));
            while (done.get() < tasks) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Topics.DISPATCH.value(record);
                    consumer.acknowledge(record, AcknowledgeType.ACCEPT);
                    consumer.commitSync(Duration.ofSeconds(30));
                    first.compareAndSet(0, System.nanoTime());
                    last.set(System.nanoTime());
                    done.incrementAndGet();
                }
            }
        }
    }

    /** Tasks per second of this many gpu-consumer instances. */
    private double workers(int instances) throws Exception {
        List<ConfigurableApplicationContext> workers = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                workers.add(startWorker());
            }
            awaitMembers(instances * SLOTS);
            release();
            LongSupplier succeeded = () -> workers.stream()
                    .mapToLong(w -> {
                        Counter c = w.getBean(MeterRegistry.class)
                                .find(WorkerMetrics.TASK_DECISIONS)
                                .tag("decision", "succeed")
                                .counter();
                        return c == null ? 0 : (long) c.count();
                    })
                    .sum();
            long first = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (succeeded.getAsLong() < tasks && System.nanoTime() < deadline) {
                if (first == 0 && succeeded.getAsLong() > 0) {
                    first = System.nanoTime();
                }
                Thread.sleep(5);
            }
            long last = System.nanoTime();
            assertThat(succeeded.getAsLong()).isGreaterThanOrEqualTo(tasks);
            return rate(first, last);
        } finally {
            workers.forEach(ConfigurableApplicationContext::close);
        }
    }

    /**
     * Waits until exactly this many members of the fleet group have the dispatch partition, so that the timed drain
     * runs at full strength from its first task (a share consumer's first poll returns about 5 s after subscribing).
     */
    private static void awaitMembers(int members) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            ShareGroupDescription group;
            try {
                group = KafkaTestBroker.get()
                        .admin()
                        .describeShareGroups(List.of(Groups.GPU_FLEET))
                        .describedGroups()
                        .get(Groups.GPU_FLEET)
                        .get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // not created until the first member joins
                Thread.sleep(100);
                continue;
            }
            long assigned = group.members().stream()
                    .filter(m -> !m.assignment().topicPartitions().isEmpty())
                    .count();
            if (group.members().size() == members && assigned == members) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the fleet group never had " + members + " members with assignments");
    }

    private double rate(long firstNanos, long lastNanos) {
        return (tasks - 1) / ((lastNanos - firstNanos) / 1e9);
    }

    /** Writes the backlog, as the dispatcher would (in one go, before anyone drains it). */
    private void release() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.LINGER_MS_CONFIG,
                5))) {
            String license = "bench-" + UUID.randomUUID();
            for (int i = 0; i < tasks; i++) {
                TaskRequested task = TestTasks.generic(license, NOOP);
                producer.send(Topics.DISPATCH.record(task.getRequestId(), task));
            }
            producer.flush();
        }
    }

    private static ConfigurableApplicationContext startWorker() throws IOException {
        Map<String, Object> properties = new HashMap<>(DspInfrastructureInitializer.properties());
        properties.put("server.port", 0);
        properties.put("dsp.gpu-consumer.worker-id", "bench-" + UUID.randomUUID());
        properties.put("dsp.gpu-consumer.max-concurrent", SLOTS);
        properties.put("logging.level.io.dsp", "WARN");
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return GpuConsumerApplication.builder().sources(NoOp.class).run(args);
    }

    /** The no-op task type. */
    @TestConfiguration(proxyBeanMethods = false)
    static class NoOp {

        @Bean
        TaskHandler noOpHandler() {
            return new TaskHandler() {
                @Override
                public String taskType() {
                    return NOOP;
                }

                @Override
                public TaskOutcome handle(TaskRequested task) {
                    return new TaskOutcome.Succeeded("{}");
                }
            };
        }
    }
}
