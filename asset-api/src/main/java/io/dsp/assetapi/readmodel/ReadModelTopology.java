package io.dsp.assetapi.readmodel;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.serde.AvroSerde;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The read models asset-api answers from, all rebuilt from Kafka alone: licenses, device bindings, fleet presence and
 * the asset catalogue as global tables, and every task's life aggregated from {@code dsp.task-events}.
 */
public final class ReadModelTopology {

    public static final String LICENSES_STORE = "licenses";
    public static final String WORKERS_STORE = "workers";
    public static final String ASSETS_STORE = "assets";
    public static final String TASK_LIVES_STORE = "task-lives";
    public static final String DEVICE_BINDINGS_STORE = "device-bindings";
    public static final String IN_FLIGHT_STORE = "in-flight";
    public static final String QUEUE_FACTS_STORE = "queue-facts";
    public static final String TASK_CONTROL_STORE = "task-control";
    public static final String WORKER_COMMANDS_STORE = "worker-commands";

    /** Values of the in-flight index: {@code requestId@acceptedAtMillis} entries. */
    static final Serde<List<String>> IN_FLIGHT_SERDE = Serdes.ListSerde(ArrayList.class, Serdes.String());

    /** Unfinished tasks older than this (by event time) are dropped from the in-flight index, to bound it. */
    static final Duration IN_FLIGHT_HORIZON = Duration.ofDays(1);

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
        // Unfinished tasks per (license, task type), for in-flight caps: re-keyed, so one repartition topic.
        stream.selectKey((requestId, event) -> inFlightKey(event.getLicenseKey(), event.getTaskType()))
                .groupByKey(Grouped.with(IN_FLIGHT_STORE, Serdes.String(), events.valueSerde()))
                .aggregate(
                        () -> (List<String>) new ArrayList<String>(),
                        (key, event, unfinished) -> track(unfinished, event),
                        Materialized.<String, List<String>, KeyValueStore<Bytes, byte[]>>as(IN_FLIGHT_STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(IN_FLIGHT_SERDE));
    }

    public static String inFlightKey(String licenseKey, String taskType) {
        return licenseKey + "|" + taskType;
    }

    /**
     * The unfinished tasks of one (license, task type) after one event, as {@code requestId@acceptedAtMillis}: a task
     * enters with its first event and leaves with its terminal one; entries past the horizon are dropped.
     */
    static List<String> track(List<String> unfinished, TaskEvent event) {
        List<String> next = new ArrayList<>(unfinished);
        String prefix = event.getRequestId() + "@";
        boolean known = next.stream().anyMatch(e -> e.startsWith(prefix));
        if (TaskEvents.isTerminal(event.getType())) {
            next.removeIf(e -> e.startsWith(prefix));
        } else if (!known) {
            next.add(prefix + event.getAt().toEpochMilli());
        }
        long horizon = event.getAt().minus(IN_FLIGHT_HORIZON).toEpochMilli();
        next.removeIf(e -> Long.parseLong(e.substring(e.lastIndexOf('@') + 1)) < horizon);
        return next;
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
