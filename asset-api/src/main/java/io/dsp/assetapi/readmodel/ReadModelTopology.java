package io.dsp.assetapi.readmodel;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.serde.AvroSerde;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The read models asset-api answers from, all rebuilt from Kafka alone: licenses, device bindings, fleet presence and
 * the asset catalogue as global tables, every task's life aggregated from {@code dsp.task-events}, and the unfinished
 * tasks of each (license, task type) indexed from the same events.
 */
public final class ReadModelTopology {

    public static final String LICENSES_STORE = "licenses";
    public static final String WORKERS_STORE = "workers";
    public static final String ASSETS_STORE = "assets";
    public static final String TASK_LIVES_STORE = "task-lives";
    public static final String DEVICE_BINDINGS_STORE = "device-bindings";
    /**
     * The in-flight index ({@link InFlightIndex}, ADR 021): one entry per unfinished task, and the same oldest first.
     * Never named {@code in-flight} again: that store held one list per (license, type), and its changelog, left by an
     * older deployment, must never be read with these serdes.
     */
    public static final String IN_FLIGHT_TASKS_STORE = "in-flight-tasks";

    public static final String IN_FLIGHT_BY_AGE_STORE = "in-flight-tasks-by-age";
    public static final String QUEUE_FACTS_STORE = "queue-facts";
    public static final String TASK_CONTROL_STORE = "task-control";
    public static final String WORKER_COMMANDS_STORE = "worker-commands";

    /** Unfinished tasks accepted longer ago than this (wall clock) leave the in-flight index, to bound it. */
    static final Duration IN_FLIGHT_HORIZON = Duration.ofDays(1);

    /**
     * How often the in-flight index drops what is past its horizon, from a batch of each store: 10,000 entries a
     * minute go round 100,000 unfinished tasks in ten minutes, well inside the day-long horizon.
     */
    static final Duration IN_FLIGHT_PURGE_INTERVAL = Duration.ofMinutes(1);

    /** Entries of each in-flight store one purge looks at. */
    static final int IN_FLIGHT_PURGE_BATCH = 10_000;

    /** Progress events kept per task; older ones are dropped first, every other step is always kept. */
    static final int MAX_PROGRESS_EVENTS = 20;

    private ReadModelTopology() {}

    public static void build(StreamsBuilder builder) {
        build(builder, (requestId, life) -> {});
    }

    /**
     * Builds the read models; {@code onTaskChange} hears every new state of a task's life (on the Streams thread: it
     * must hand work off, never block).
     */
    public static void build(StreamsBuilder builder, BiConsumer<String, TaskLife> onTaskChange) {
        build(builder, onTaskChange, Stores::persistentKeyValueStore);
    }

    /**
     * As {@link #build(StreamsBuilder, BiConsumer)}, with the in-flight index's stores from {@code inFlightStores}
     * (tests and measurements: in memory, since the test driver flushes persistent stores after every record).
     */
    static void build(
            StreamsBuilder builder,
            BiConsumer<String, TaskLife> onTaskChange,
            Function<String, KeyValueBytesStoreSupplier> inFlightStores) {
        globalTable(builder, Topics.LICENSES, LICENSES_STORE);
        globalTable(builder, Topics.WORKERS, WORKERS_STORE);
        globalTable(builder, Topics.ASSETS, ASSETS_STORE);
        globalTable(builder, Topics.DEVICE_BINDINGS, DEVICE_BINDINGS_STORE);
        globalTable(builder, Topics.QUEUE_FACTS, QUEUE_FACTS_STORE);
        // The latest command per task and per worker: small topics, read whole by every instance.
        globalTable(builder, Topics.TASK_CONTROL, TASK_CONTROL_STORE);
        globalTable(builder, Topics.WORKER_COMMANDS, WORKER_COMMANDS_STORE);

        TopicSpec<String, TaskEvent> events = Topics.TASK_EVENTS;
        KStream<String, TaskEvent> stream = builder.stream(
                        events.name(), Consumed.with(events.keySerde(), events.valueSerde()))
                .filter((requestId, event) -> event != null);
        stream.groupByKey(Grouped.with(events.keySerde(), events.valueSerde()))
                .aggregate(
                        () -> new TaskLife("", "", "", List.of()),
                        (requestId, event, life) -> append(life, event),
                        Materialized.<String, TaskLife, KeyValueStore<Bytes, byte[]>>as(TASK_LIVES_STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(AvroSerde.of(TaskLife.class)))
                .toStream()
                .foreach(onTaskChange::accept);
        indexInFlight(builder, stream, inFlightStores);
    }

    /**
     * The in-flight index of {@code events} (non-null task events keyed by request id): re-keyed to
     * {@code license|type} through one repartition topic, so that every entry of one (license, type) lands in one
     * partition, where one range read finds them.
     */
    static void indexInFlight(
            StreamsBuilder builder,
            KStream<String, TaskEvent> events,
            Function<String, KeyValueBytesStoreSupplier> stores) {
        builder.addStateStore(InFlightIndex.store(stores.apply(IN_FLIGHT_TASKS_STORE)));
        builder.addStateStore(InFlightIndex.store(stores.apply(IN_FLIGHT_BY_AGE_STORE)));
        events.selectKey((requestId, event) -> inFlightKey(event.getLicenseKey(), event.getTaskType()))
                .repartition(Repartitioned.<String, TaskEvent>as(IN_FLIGHT_TASKS_STORE)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(Topics.TASK_EVENTS.valueSerde()))
                .process(
                        () -> new InFlightIndex.Indexer(
                                IN_FLIGHT_TASKS_STORE,
                                IN_FLIGHT_BY_AGE_STORE,
                                IN_FLIGHT_HORIZON,
                                IN_FLIGHT_PURGE_INTERVAL,
                                IN_FLIGHT_PURGE_BATCH),
                        Named.as(IN_FLIGHT_TASKS_STORE + "-indexer"),
                        IN_FLIGHT_TASKS_STORE,
                        IN_FLIGHT_BY_AGE_STORE);
    }

    /** The key the in-flight index is partitioned by: one (license, task type). */
    public static String inFlightKey(String licenseKey, String taskType) {
        return licenseKey + "|" + taskType;
    }

    /** Adds one event to a task's life, ignoring a re-published duplicate of an event already there. */
    static TaskLife append(TaskLife life, TaskEvent event) {
        List<TaskEvent> events = new ArrayList<>(life.getEvents());
        if (events.stream().anyMatch(e -> e.getEventId().equals(event.getEventId()))) {
            return life;
        }
        events.add(event);
        long progress = events.stream()
                .filter(e -> e.getType() == TaskEventType.PROGRESS)
                .count();
        for (int i = 0; progress > MAX_PROGRESS_EVENTS && i < events.size(); ) {
            if (events.get(i).getType() == TaskEventType.PROGRESS) {
                events.remove(i);
                progress--;
            } else {
                i++;
            }
        }
        return new TaskLife(event.getRequestId(), event.getLicenseKey(), event.getTaskType(), events);
    }

    private static <K, V> void globalTable(StreamsBuilder builder, TopicSpec<K, V> topic, String store) {
        builder.globalTable(
                topic.name(),
                Consumed.with(topic.keySerde(), topic.valueSerde()),
                Materialized.<K, V, KeyValueStore<Bytes, byte[]>>as(store)
                        .withKeySerde(topic.keySerde())
                        .withValueSerde(topic.valueSerde()));
    }
}
