package io.dsp.schemas.topic;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic of the system: its name, the serdes of its keys and values, and the configuration it is created with.
 *
 * @param name topic name
 * @param keySerde serde of record keys
 * @param valueSerde serde of record values ({@code null} values are tombstones on compacted topics)
 * @param partitions partitions to create
 * @param configs topic-level configs to create it with (retention, cleanup policy)
 */
public record TopicSpec<K, V>(
        String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, Map<String, String> configs) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (partitions < 1) {
            throw new IllegalArgumentException("A topic needs at least one partition: " + name);
        }
        configs = Map.copyOf(configs);
    }

    /** The topic to create, with the given replication factor (1 on a single embedded broker, 3 in a cluster). */
    public NewTopic newTopic(short replicationFactor) {
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }
}
