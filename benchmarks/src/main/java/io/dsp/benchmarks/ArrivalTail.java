package io.dsp.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Notes when each key first becomes visible (read committed) in a topic, from its end at start-up. */
final class ArrivalTail implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Latencies latencies;

    ArrivalTail(Broker broker, String topic, Latencies latencies) {
        this.latencies = latencies;
        // assigned, no group: nothing to remove afterwards
        consumer = new KafkaConsumer<>(broker.config(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class)));
        List<TopicPartition> partitions = partitions(consumer, topic);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = new Thread(
                () -> {
                    try {
                        while (running) {
                            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                                this.latencies.ended(new String(r.key(), StandardCharsets.UTF_8), System.nanoTime());
                            }
                        }
                    } catch (WakeupException e) {
                        // closing
                    } finally {
                        consumer.close();
                    }
                },
                "arrivals-" + topic);
        thread.start();
    }

    /**
     * The topic's partitions; a topic created a moment ago may have none in the client's metadata yet, and a tail
     * assigned to no partition would see nothing, so this waits for them.
     */
    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no partitions of " + topic + " after 60 s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + topic, e);
            }
        }
    }

    /** Arrivals from now on are noted in {@code next}. */
    void measureInto(Latencies next) {
        latencies = next;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
