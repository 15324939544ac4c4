package io.dsp.assetapi.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures the in-flight index (ADR 021) against the list-valued aggregate it replaced, with unfinished tasks of ONE
 * license and type, the worst case for the old one. Not a unit test (the name keeps it out of {@code mvn test}); run:
 *
 * <pre>./mvnw -B test -pl asset-api -Dtest=InFlightIndexBench -Dsurefire.failIfNoSpecifiedTests=false
 *     -Dspotless.check.skip=true [-Dbench.tasks=100000] [-Dbench.old-tasks=30000]</pre>
 *
 * Prints a table and writes it to {@code asset-api/target/in-flight-index-bench.md}. Both topologies run in the
 * Kafka Streams test driver with in-memory stores (the driver commits, so flushes RocksDB, after every record, which
 * would measure the driver); the new index's processor also runs alone on RocksDB, as deployed.
 */
class InFlightIndexBench {

    private static final Instant T0 = Instant.parse("2026-12-04T00:00:00Z");
    private static final String LICENSE = "BENCH-LICENSE-0001";
    private static final String TYPE = "heygem_submit";
    private static final int SEGMENTS = 10;
    private static final int READS = 10_000;

    /** The removed aggregate's value serde and algorithm, verbatim, to measure against. */
    private static final Serde<List<String>> OLD_SERDE = Serdes.ListSerde(ArrayList.class, Serdes.String());

    static List<String> oldTrack(List<String> unfinished, TaskEvent event) {
        List<String> next = new ArrayList<>(unfinished);
        String prefix = event.getRequestId() + "@";
        boolean known = next.stream().anyMatch(e -> e.startsWith(prefix));
        if (TaskEvents.isTerminal(event.getType())) {
            next.removeIf(e -> e.startsWith(prefix));
        } else if (!known) {
            next.add(prefix + event.getAt().toEpochMilli());
        }
        long horizon = event.getAt().minus(ReadModelTopology.IN_FLIGHT_HORIZON).toEpochMilli();
        next.removeIf(e -> Long.parseLong(e.substring(e.lastIndexOf('@') + 1)) < horizon);
        return next;
    }

    @TempDir
    Path rocksDir;

    @Test
    void measure() throws IOException {
        int tasks = Integer.getInteger("bench.tasks", 100_000);
        int oldTasks = Integer.getInteger("bench.old-tasks", 30_000);
        List<TaskEvent> accepted = accepted(Math.max(tasks, oldTasks));
        String key = ReadModelTopology.inFlightKey(LICENSE, TYPE);
        // Warm-up (JIT), discarded: a few thousand events through both topologies.
        try (TopologyTestDriver driver = driver(InFlightIndexBench::newIndex)) {
            feed(driver, accepted.subList(0, 5_000), new Changelogs(driver, "in-flight-tasks")::drain);
        }
        try (TopologyTestDriver driver = driver(InFlightIndexBench::oldIndex)) {
            feed(driver, accepted.subList(0, 5_000), new Changelogs(driver, "in-flight")::drain);
        }
        StringBuilder report = new StringBuilder();
        StringBuilder notes = new StringBuilder();
        report.append("| Index | Unfinished tasks | µs per event, by tenth of the run | Largest changelog record"
                + " (bytes) | One cap read (µs, median of " + READS + ") |\n|---|---|---|---|---|\n");

        // The new index, through the topology (repartition, processor, two logged in-memory stores).
        try (TopologyTestDriver driver = driver(InFlightIndexBench::newIndex)) {
            Changelogs changelogs = new Changelogs(driver, "in-flight-tasks", "in-flight-tasks-by-age");
            long[] perEvent = feed(driver, accepted.subList(0, tasks), changelogs::drain);
            int largest = changelogs.largest;
            KeyValueStore<String, Long> byAge = driver.getKeyValueStore(ReadModelTopology.IN_FLIGHT_BY_AGE_STORE);
            KeyValueStore<String, Long> index = driver.getKeyValueStore(ReadModelTopology.IN_FLIGHT_TASKS_STORE);
            long read = medianNanos(() -> InFlightIndex.oldest(byAge, index, key, 0, 1));
            assertThat(InFlightIndex.oldest(byAge, index, key, 0, 1))
                    .singleElement()
                    .extracting(InFlightTask::acceptedAt)
                    .isEqualTo(T0);
            row(report, "per task (new), test driver, in memory", tasks, perEvent, largest, read);
        }

        // The new index's processor alone on RocksDB, as deployed (no changelog: the driver's per-record flush aside).
        {
            MockProcessorContext<Void, Void> context =
                    new MockProcessorContext<>(config(rocksDir), new TaskId(0, 0), rocksDir.toFile());
            KeyValueStore<String, Long> index = rocks(context, ReadModelTopology.IN_FLIGHT_TASKS_STORE);
            KeyValueStore<String, Long> byAge = rocks(context, ReadModelTopology.IN_FLIGHT_BY_AGE_STORE);
            InFlightIndex.Indexer indexer = new InFlightIndex.Indexer(
                    ReadModelTopology.IN_FLIGHT_TASKS_STORE,
                    ReadModelTopology.IN_FLIGHT_BY_AGE_STORE,
                    ReadModelTopology.IN_FLIGHT_HORIZON,
                    ReadModelTopology.IN_FLIGHT_PURGE_INTERVAL,
                    ReadModelTopology.IN_FLIGHT_PURGE_BATCH);
            context.setCurrentSystemTimeMs(T0.toEpochMilli());
            indexer.init(context);
            long[] perEvent = segmented(
                    accepted.subList(0, tasks),
                    event -> indexer.process(
                            new Record<>(key, event, event.getAt().toEpochMilli())),
                    () -> {});
            long read = medianNanos(() -> InFlightIndex.oldest(byAge, index, key, 0, 1));
            long purge = System.nanoTime();
            indexer.purge(T0.toEpochMilli()); // nothing past the horizon: the cost of one batch's scan alone
            purge = System.nanoTime() - purge;
            row(report, "per task (new), processor alone, RocksDB", tasks, perEvent, -1, read);
            notes.append("\nOne purge on RocksDB (")
                    .append(String.format("%,d", ReadModelTopology.IN_FLIGHT_PURGE_BATCH))
                    .append(" entries of each store, every ")
                    .append(ReadModelTopology.IN_FLIGHT_PURGE_INTERVAL.toMinutes())
                    .append(" min): ")
                    .append(purge / 1_000_000)
                    .append(" ms.\n");
            index.close();
            byAge.close();
        }

        // The removed list-per-(license, type) aggregate, through the same test driver.
        try (TopologyTestDriver driver = driver(InFlightIndexBench::oldIndex)) {
            Changelogs changelogs = new Changelogs(driver, "in-flight");
            long[] perEvent = feed(driver, accepted.subList(0, oldTasks), changelogs::drain);
            int largest = changelogs.largest;
            if (changelogs.firstTooLarge > 0) {
                notes.append("\nThe list-valued record passed Kafka's default 1 MiB limit at ")
                        .append(String.format("%,d", changelogs.firstTooLarge))
                        .append(" unfinished tasks (the broker refuses it; the Streams thread dies).\n");
            }
            KeyValueStore<String, List<String>> old = driver.getKeyValueStore("in-flight");
            long read = medianNanos(() -> oldestOf(old.get(key)));
            row(report, "list per license and type (old), test driver, in memory", oldTasks, perEvent, largest, read);
        }

        String table = report.append(notes).toString();
        System.out.println(table);
        Files.writeString(Path.of("target", "in-flight-index-bench.md"), table);
    }

    /** What the old cap check did with its list: parse every entry, keep the oldest. */
    private static Instant oldestOf(List<String> entries) {
        Instant oldest = Instant.MAX;
        for (String entry : entries) {
            Instant at = Instant.ofEpochMilli(Long.parseLong(entry.substring(entry.lastIndexOf('@') + 1)));
            oldest = at.isBefore(oldest) ? at : oldest;
        }
        return oldest;
    }

    private static void newIndex(StreamsBuilder builder) {
        ReadModelTopology.indexInFlight(builder, source(builder), Stores::inMemoryKeyValueStore);
    }

    private static void oldIndex(StreamsBuilder builder) {
        source(builder)
                .selectKey(
                        (requestId, event) -> ReadModelTopology.inFlightKey(event.getLicenseKey(), event.getTaskType()))
                .groupByKey(Grouped.with("in-flight", Serdes.String(), Topics.TASK_EVENTS.valueSerde()))
                .aggregate(
                        () -> (List<String>) new ArrayList<String>(),
                        (key, event, unfinished) -> oldTrack(unfinished, event),
                        Materialized.<String, List<String>>as(Stores.inMemoryKeyValueStore("in-flight"))
                                .withKeySerde(Serdes.String())
                                .withValueSerde(OLD_SERDE));
    }

    private static KStream<String, TaskEvent> source(StreamsBuilder builder) {
        return builder.stream(
                        Topics.TASK_EVENTS.name(),
                        Consumed.with(Topics.TASK_EVENTS.keySerde(), Topics.TASK_EVENTS.valueSerde()))
                .filter((requestId, event) -> event != null);
    }

    private static TopologyTestDriver driver(Consumer<StreamsBuilder> topology) {
        StreamsBuilder builder = new StreamsBuilder();
        topology.accept(builder);
        return new TopologyTestDriver(builder.build(), config(null), T0);
    }

    private static Properties config(Path stateDir) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        if (stateDir != null) {
            config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        }
        return config;
    }

    private static KeyValueStore<String, Long> rocks(MockProcessorContext<Void, Void> context, String name) {
        KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.Long())
                .withLoggingDisabled()
                .withCachingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    private static long[] feed(TopologyTestDriver driver, List<TaskEvent> events, Runnable drain) {
        TestInputTopic<String, TaskEvent> input = driver.createInputTopic(
                Topics.TASK_EVENTS.name(),
                Topics.TASK_EVENTS.keySerde().serializer(),
                Topics.TASK_EVENTS.valueSerde().serializer());
        return segmented(events, event -> input.pipeInput(event.getRequestId(), event), drain);
    }

    /**
     * Mean µs per event over each tenth of the run (flat is O(1), rising is O(n)); {@code between} runs every 100
     * events, outside the measured time.
     */
    private static long[] segmented(List<TaskEvent> events, Consumer<TaskEvent> each, Runnable between) {
        long[] perEvent = new long[SEGMENTS];
        int size = events.size() / SEGMENTS;
        for (int s = 0; s < SEGMENTS; s++) {
            long spent = 0;
            for (int i = s * size; i < (s + 1) * size; i++) {
                long start = System.nanoTime();
                each.accept(events.get(i));
                spent += System.nanoTime() - start;
                if (i % 100 == 99) {
                    between.run();
                }
            }
            perEvent[s] = spent / 1_000 / size;
        }
        return perEvent;
    }

    /** Kafka's default largest record batch ({@code message.max.bytes}; {@code max.request.size} is 1 MiB). */
    private static final int KAFKA_DEFAULT_MAX = 1_048_588;

    /**
     * Reads the changelogs as they are written (the driver keeps every record until read: the old index's would take
     * tens of GB), keeping the largest record and how many were written up to the first above Kafka's default.
     */
    private static final class Changelogs {

        private final List<TestOutputTopic<byte[], byte[]>> topics = new ArrayList<>();
        private int largest;
        private long written;
        private long firstTooLarge = -1;

        Changelogs(TopologyTestDriver driver, String... stores) {
            for (String store : stores) {
                topics.add(driver.createOutputTopic(
                        "bench-" + store + "-changelog", new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            }
        }

        void drain() {
            for (TestOutputTopic<byte[], byte[]> topic : topics) {
                for (TestRecord<byte[], byte[]> record : topic.readRecordsToList()) {
                    written++;
                    int size = record.getKey().length + (record.getValue() == null ? 0 : record.getValue().length);
                    largest = Math.max(largest, size);
                    if (size > KAFKA_DEFAULT_MAX && firstTooLarge < 0) {
                        firstTooLarge = written;
                    }
                }
            }
        }
    }

    private static long medianNanos(Supplier<?> read) {
        long[] nanos = new long[READS];
        for (int i = 0; i < READS; i++) {
            long start = System.nanoTime();
            read.get();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos[READS / 2];
    }

    private static void row(StringBuilder report, String index, int tasks, long[] perEvent, int largest, long read) {
        report.append("| ")
                .append(index)
                .append(" | ")
                .append(String.format("%,d", tasks))
                .append(" | ")
                .append(String.join(
                        " ", Arrays.stream(perEvent).mapToObj(Long::toString).toList()))
                .append(" | ")
                .append(largest < 0 ? "n/a" : String.format("%,d", largest))
                .append(" | ")
                .append(String.format("%.1f", read / 1_000.0))
                .append(" |\n");
    }

    /** One ACCEPTED event per task, one second apart, all of one license and type. */
    private static List<TaskEvent> accepted(int count) {
        List<TaskEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String requestId =
                    "heygem_" + UUID.nameUUIDFromBytes(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
            events.add(TaskEvents.about(
                            ReadModelTopologyTest.task(requestId, LICENSE, TYPE),
                            TaskEventType.ACCEPTED,
                            "bench",
                            T0.plusMillis(i))
                    .build());
        }
        return events;
    }
}
