package io.dsp.benchmarks;

import io.dsp.core.ledger.KafkaTaskLedger;
import io.dsp.core.ledger.PriorAttempts;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.StoredResult;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A worker's task ledger at start-up over a long history (issue 17, ADR 024): generates {@code --tasks} historical
 * tasks (STARTED + SUCCEEDED each, Avro-encoded as a worker writes them, record times spread over the 29 days before
 * the horizon) and {@code --recent} tasks within the horizon into {@code dsp.task-events} of an in-JVM broker, then
 * starts a fresh {@link KafkaTaskLedger} in a child JVM (only the ledger in it) with the horizon and with a horizon of
 * the topic's whole retention (30 days: the earlier read-everything behaviour), and reports each one's start-up time
 * (construction to caught up) and retained heap (used heap after full GCs, after start minus before).
 *
 * <p>Not part of CI. Run (after {@code ./mvnw -q -pl benchmarks -am install -DskipTests}):
 *
 * <pre>
 * ./mvnw -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
 * java -Xmx6g -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     io.dsp.benchmarks.LedgerStartupBenchmark --tasks=1000000
 * </pre>
 *
 * (the module's {@code exec:java} is bound to {@link Bench}). One size per run keeps each on a fresh broker.
 */
@Command(
        name = "ledger-startup",
        mixinStandardHelpOptions = true,
        description =
                "Task ledger start-up time and retained heap over a generated history, with and without a horizon.")
public final class LedgerStartupBenchmark implements Callable<Integer> {

    @Option(
            names = "--tasks",
            split = ",",
            defaultValue = "1000000",
            description = "historical (older than the horizon) task counts, one run each (default ${DEFAULT-VALUE})")
    List<Long> sizes;

    @Option(
            names = "--recent",
            defaultValue = "10000",
            description = "tasks within the horizon (default ${DEFAULT-VALUE})")
    long recent;

    @Option(
            names = "--horizon",
            defaultValue = "PT24H",
            description = "the ledger's horizon (default ${DEFAULT-VALUE})")
    Duration horizon;

    @Option(
            names = "--whole",
            defaultValue = "P30D",
            description =
                    "the horizon that reads the whole retention, the earlier behaviour (default ${DEFAULT-VALUE})")
    Duration whole;

    @Option(
            names = "--horizon-heap",
            defaultValue = "256m",
            description = "-Xmx of the child JVM with the horizon (default ${DEFAULT-VALUE})")
    String horizonHeap;

    @Option(
            names = "--whole-heap",
            defaultValue = "8g",
            description = "-Xmx of the child JVM reading the whole retention (default ${DEFAULT-VALUE})")
    String wholeHeap;

    @Option(
            names = "--skip-whole-above",
            defaultValue = "100000000",
            description = "do not run the whole-retention side for histories larger than this")
    long skipWholeAbove;

    @Option(
            names = "--out",
            defaultValue = "benchmarks/target/ledger-startup.md",
            description = "the report (default ${DEFAULT-VALUE})")
    Path out;

    /** One child's result. */
    record Measured(String side, long historical, long recent, double startSeconds, long heapBytes, long tasksHeld) {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("measure")) {
            System.exit(measure(args));
        }
        System.exit(new CommandLine(new LedgerStartupBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String bootstrap = KafkaTestBroker.get().bootstrapServers();
        List<String> lines = new ArrayList<>();
        lines.add("| Historical tasks | Recent tasks | Generation (s) | Topic size (MB) | Side | Start-up (s) "
                + "| Retained heap (MB) | Tasks held | Bytes per extra task |");
        lines.add("|---:|---:|---:|---:|---|---:|---:|---:|---:|");
        for (long historical : sizes) {
            recreateTopic();
            long started = System.nanoTime();
            Instant now = Instant.now();
            String[] samples = generate(bootstrap, historical, now);
            double generation = (System.nanoTime() - started) / 1e9;
            long bytes = topicBytes();
            System.out.printf(
                    Locale.ROOT,
                    "generated %,d historical + %,d recent tasks in %.1f s, %.0f MB on disk%n",
                    historical,
                    recent,
                    generation,
                    bytes / 1e6);
            List<Measured> results = new ArrayList<>();
            results.add(child("horizon " + horizon, horizon, horizonHeap, historical, bootstrap, samples));
            if (historical <= skipWholeAbove) {
                results.add(child("whole retention " + whole, whole, wholeHeap, historical, bootstrap, samples));
            }
            Measured first = results.get(0);
            for (Measured m : results) {
                // what each task held beyond the horizon side costs: the fixed part (classes, clients) cancels out
                long extraTasks = m.tasksHeld() - first.tasksHeld();
                String perTask =
                        extraTasks <= 0 ? "-" : String.valueOf((m.heapBytes() - first.heapBytes()) / extraTasks);
                String line = String.format(
                        Locale.ROOT,
                        "| %,d | %,d | %.0f | %.0f | %s | %.2f | %.1f | %,d | %s |",
                        historical,
                        recent,
                        generation,
                        bytes / 1e6,
                        m.side(),
                        m.startSeconds(),
                        m.heapBytes() / 1e6,
                        m.tasksHeld(),
                        perTask);
                lines.add(line);
                System.out.println(line);
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        System.out.println(String.join("\n", lines));
        return 0;
    }

    /** A fresh, empty {@code dsp.task-events} with the catalogue's settings (3 partitions, 30 days' retention). */
    private static void recreateTopic() throws Exception {
        Admin admin = KafkaTestBroker.get().admin();
        try {
            admin.deleteTopics(List.of(Topics.TASK_EVENTS.name())).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // not there: fine
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                admin.createTopics(List.of(Topics.TASK_EVENTS.newTopic((short) 1)))
                        .all()
                        .get(60, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException) || System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }

    private static long topicBytes() throws Exception {
        Admin admin = KafkaTestBroker.get().admin();
        long total = 0;
        List<Integer> brokers = admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).stream()
                .map(org.apache.kafka.common.Node::id)
                .toList();
        Map<Integer, Map<String, LogDirDescription>> dirs =
                admin.describeLogDirs(brokers).allDescriptions().get(60, TimeUnit.SECONDS);
        for (Map<String, LogDirDescription> byDir : dirs.values()) {
            for (LogDirDescription dir : byDir.values()) {
                for (Map.Entry<org.apache.kafka.common.TopicPartition, ReplicaInfo> e :
                        dir.replicaInfos().entrySet()) {
                    if (e.getKey().topic().equals(Topics.TASK_EVENTS.name())) {
                        total += e.getValue().size();
                    }
                }
            }
        }
        return total;
    }

    /**
     * Writes the history in record-time order: {@code historical} tasks spread over [now - 29 d, now - horizon - 1 h],
     * then the recent ones over [now - horizon + 10 min, now - 1 min]. Returns a sample id of each kind.
     */
    private String[] generate(String bootstrap, long historical, Instant now) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // not idempotent: a topic deleted and created again under the same name confuses an idempotent producer's
        // sequence numbers (OUT_OF_ORDER_SEQUENCE_NUMBER until its batches expire)
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L << 20);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
        AtomicReference<Exception> failed = new AtomicReference<>();
        AtomicLong acknowledged = new AtomicLong();
        TaskRequested task = TaskRequested.newBuilder()
                .setRequestId("template")
                .setLicenseKey("bench-license-" + UUID.randomUUID().toString().substring(0, 8))
                .setTaskType("heygem_submit")
                .setPayload(new HeyGemSubmitPayload("a", ".wav", "v", ".mp4"))
                .setRequestedAt(now)
                .setOrigin(TaskOrigin.newBuilder()
                        .setChannel(TaskChannel.HTTP)
                        .setNodeId("bench")
                        .build())
                .build();
        String[] samples = new String[2];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            Instant oldFrom = now.minus(Duration.ofDays(29));
            Instant oldTo = now.minus(horizon).minus(Duration.ofHours(1));
            Instant recentFrom = now.minus(horizon).plus(Duration.ofMinutes(10));
            Instant recentTo = now.minus(Duration.ofMinutes(1));
            long total = historical + recent;
            long reportEvery = Math.max(1, total / 10);
            for (long i = 0; i < total; i++) {
                boolean old = i < historical;
                Instant from = old ? oldFrom : recentFrom;
                Instant to = old ? oldTo : recentTo;
                long count = old ? historical : recent;
                long index = old ? i : i - historical;
                long span = to.toEpochMilli() - from.toEpochMilli();
                long at = from.toEpochMilli() + (count <= 1 ? 0 : span * index / (count - 1));
                String requestId =
                        "heygem_" + new UUID(0x5eedL * i, i).toString().replace("-", "");
                if (i == 0) {
                    samples[0] = requestId;
                }
                if (i == total - 1) {
                    samples[1] = requestId;
                }
                task.setRequestId(requestId);
                send(producer, started(task, at), at, failed, acknowledged);
                send(producer, succeeded(task, at + 30_000), at + 30_000, failed, acknowledged);
                if (failed.get() != null) {
                    throw failed.get();
                }
                if ((i + 1) % reportEvery == 0) {
                    System.out.printf(Locale.ROOT, "  written %,d of %,d tasks%n", i + 1, total);
                }
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        return samples;
    }

    private static TaskEvent started(TaskRequested task, long at) {
        return TaskEvents.about(task, TaskEventType.STARTED, "gpu-consumer", Instant.ofEpochMilli(at))
                .setWorkerId("gpu-bench-1")
                .setDeliveryCount(1)
                .build();
    }

    private static TaskEvent succeeded(TaskRequested task, long at) {
        String sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        return TaskEvents.about(task, TaskEventType.SUCCEEDED, "gpu-consumer", Instant.ofEpochMilli(at))
                .setWorkerId("gpu-bench-1")
                .setDeliveryCount(1)
                .setResultJson("{\"sha256\":\"" + sha + "\",\"size\":5242880,\"content_type\":\"video/mp4\"}")
                .setStored(new StoredResult(sha, 5_242_880L, "video/mp4", Instant.ofEpochMilli(at + 86_400_000L)))
                .build();
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            TaskEvent event,
            long at,
            AtomicReference<Exception> failed,
            AtomicLong acknowledged) {
        ProducerRecord<byte[], byte[]> encoded = Topics.TASK_EVENTS.record(event.getRequestId(), event);
        ProducerRecord<byte[], byte[]> timed =
                new ProducerRecord<>(encoded.topic(), null, at, encoded.key(), encoded.value());
        // a worker's records carry the task's trace (W3C traceparent, 55 bytes)
        timed.headers()
                .add(
                        "traceparent",
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.US_ASCII));
        producer.send(timed, (metadata, e) -> {
            if (e != null) {
                failed.compareAndSet(null, e);
            } else {
                acknowledged.incrementAndGet();
            }
        });
    }

    /** Runs one measurement in a child JVM that holds nothing but the ledger. */
    private Measured child(
            String side, Duration horizon, String heap, long historical, String bootstrap, String[] samples)
            throws Exception {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-cp",
                Connections.classpath(),
                LedgerStartupBenchmark.class.getName(),
                "measure",
                bootstrap,
                horizon.toString(),
                samples[0],
                samples[1]);
        System.out.printf(Locale.ROOT, "measuring %s with -Xmx%s ...%n", side, heap);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String result = null;
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("RESULT ")) {
                    result = line;
                } else {
                    System.out.println("  [child] " + line);
                }
            }
        }
        int exit = process.waitFor();
        if (result == null) {
            System.out.printf(Locale.ROOT, "  %s: the child JVM failed (exit %d)%n", side, exit);
            return new Measured(side + " (failed, exit " + exit + ")", historical, recent, Double.NaN, 0, 0);
        }
        String[] f = result.split(" ");
        return new Measured(
                side, historical, recent, Double.parseDouble(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
    }

    /** In the child JVM: start a ledger, print "RESULT seconds heapBytes tasksHeld". */
    private static int measure(String[] args) {
        String bootstrap = args[1];
        Duration horizon = Duration.parse(args[2]);
        try {
            long before = Connections.heapAfterGc();
            long started = System.nanoTime();
            KafkaTaskLedger ledger = new KafkaTaskLedger(
                    Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    horizon,
                    Duration.ofMinutes(30),
                    true,
                    Duration.ofSeconds(30),
                    Clock.systemUTC(),
                    new SimpleMeterRegistry(),
                    0);
            ledger.start();
            double seconds = (System.nanoTime() - started) / 1e9;
            long after = Connections.heapAfterGc();
            PriorAttempts oldest = ledger.priorAttempts(args[3]);
            PriorAttempts newest = ledger.priorAttempts(args[4]);
            System.out.printf(
                    Locale.ROOT,
                    "horizon %s: caught up in %.2f s, %,d tasks held; oldest historical task finished: %s,"
                            + " newest recent task finished: %s%n",
                    horizon,
                    seconds,
                    ledger.size(),
                    oldest.finished(),
                    newest.finished());
            System.out.printf(Locale.ROOT, "RESULT %.3f %d %d%n", seconds, after - before, ledger.size());
            System.out.flush();
            ledger.stop();
            return 0;
        } catch (Throwable e) {
            e.printStackTrace();
            return 1;
        }
    }
}
