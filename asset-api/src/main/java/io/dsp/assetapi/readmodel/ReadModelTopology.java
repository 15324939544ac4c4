package io.dsp.assetapi.readmodel;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.serde.AvroSerde;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
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

    /** Progress events kept per task; older ones are dropped first, every other step is always kept. */
    static final int MAX_PROGRESS_EVENTS = 20;

    private ReadModelTopology() {}

    public static void build(StreamsBuilder builder) {
        globalTable(builder, Topics.LICENSES, LICENSES_STORE);
        globalTable(builder, Topics.WORKERS, WORKERS_STORE);
        globalTable(builder, Topics.ASSETS, ASSETS_STORE);
        globalTable(builder, Topics.DEVICE_BINDINGS, DEVICE_BINDINGS_STORE);

        TopicSpec<String, TaskEvent> events = Topics.TASK_EVENTS;
        builder.stream(events.name(), Consumed.with(events.keySerde(), events.valueSerde()))
                .filter((requestId, event) -> event != null)
                .groupByKey(Grouped.with(events.keySerde(), events.valueSerde()))
                .aggregate(
                        () -> new TaskLife("", "", "", List.of()),
                        (requestId, event, life) -> append(life, event),
                        Materialized.<String, TaskLife, KeyValueStore<Bytes, byte[]>>as(TASK_LIVES_STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(AvroSerde.of(TaskLife.class)));
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
