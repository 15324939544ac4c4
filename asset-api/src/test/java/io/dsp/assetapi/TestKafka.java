package io.dsp.assetapi;

import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Reads and writes the test broker's topics directly, as the other services would. */
public final class TestKafka {

    private TestKafka() {}

    public static <K, V> void publish(TopicSpec<K, V> topic, K key, V value) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(topic.record(key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A live worker for the next {@code 3 x 5 s}; remove it with {@link #workerLeaves}. */
    public static void workerOnline(String workerId) {
        Instant now = Instant.now();
        publish(
                Topics.WORKERS,
                workerId,
                WorkerPresence.newBuilder()
                        .setWorkerId(workerId)
                        .setKind(WorkerKind.NATIVE)
                        .setSlots(1)
                        .setInFlight(0)
                        .setStartedAt(now)
                        .setHeartbeatAt(now)
                        .setHeartbeatIntervalMs(5_000)
                        .build());
    }

    public static void workerLeaves(String workerId) {
        publish(Topics.WORKERS, workerId, null);
    }

    /** Everything in a license's task topic now (empty if the topic was never created). */
    public static List<TaskRequested> tasksOf(String licenseKey) {
        return read(TenantTopics.topicName(licenseKey), TenantTopics::decode);
    }

    /** Every record of a topic now, decoded. */
    public static <T> List<T> read(String topic, Function<ConsumerRecord<byte[], byte[]>, T> decode) {
        List<T> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                return records;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> records.add(decode.apply(r)));
            }
        }
        return records;
    }
}
