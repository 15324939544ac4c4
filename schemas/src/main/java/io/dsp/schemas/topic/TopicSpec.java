package io.dsp.schemas.topic;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
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

    /** A record for this topic with key and value encoded by its serdes; send it with a byte-array producer. */
    public ProducerRecord<byte[], byte[]> record(K key, V value) {
        return new ProducerRecord<>(
                name,
                keySerde.serializer().serialize(name, key),
                valueSerde.serializer().serialize(name, value));
    }

    /** The decoded key of a record read from this topic. */
    public K key(ConsumerRecord<byte[], byte[]> record) {
        return keySerde.deserializer().deserialize(record.topic(), record.key());
    }

    /** The decoded value of a record read from this topic; {@code null} for a tombstone. */
    public V value(ConsumerRecord<byte[], byte[]> record) {
        return valueSerde.deserializer().deserialize(record.topic(), record.value());
    }
}
