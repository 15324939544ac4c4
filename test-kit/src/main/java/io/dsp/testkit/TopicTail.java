package io.dsp.testkit;

import io.dsp.schemas.topic.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one topic of the test broker on its own thread, outside any group, and keeps what it decoded. Tests filter by
 * their own keys: the shared topics are shared by every test in the JVM.
 */
public final class TopicTail<K, V> implements AutoCloseable {

    /** One record read, decoded; {@code value} is {@code null} for a tombstone. */
    public record Received<K, V>(K key, V value) {}

    private final TopicSpec<K, V> topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Received<K, V>> received = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean open = true;

    private TopicTail(TopicSpec<K, V> topic, boolean fromBeginning) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                // What the fleet sees: releases of aborted transactions are not releases.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false));
        List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        // Resolve the start now, so that nothing written after this constructor returns is missed.
        partitions.forEach(consumer::position);
        thread = new Thread(this::run, "tail-" + topic.name());
        thread.setDaemon(true);
        thread.start();
    }

    /** Everything written to the topic from now on. */
    public static <K, V> TopicTail<K, V> fromEnd(TopicSpec<K, V> topic) {
        return new TopicTail<>(topic, false);
    }

    /** Everything in the topic, from its first retained record on. */
    public static <K, V> TopicTail<K, V> fromBeginning(TopicSpec<K, V> topic) {
        return new TopicTail<>(topic, true);
    }

    private void run() {
        try {
            while (open) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        received.add(new Received<>(topic.key(record), topic.value(record)));
                    } catch (SerializationException e) {
                        // not a record of this contract (a test wrote garbage on purpose)
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Every record read so far, in the order read. */
    public List<Received<K, V>> records() {
        return List.copyOf(received);
    }

    /** Every non-tombstone value read so far, in the order read. */
    public List<V> values() {
        return received.stream().map(Received::value).filter(Objects::nonNull).toList();
    }

    @Override
    public void close() throws InterruptedException {
        open = false;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(10).toMillis());
    }
}
