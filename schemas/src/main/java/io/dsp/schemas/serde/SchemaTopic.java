package io.dsp.schemas.serde;

import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code dsp.schemas} as a {@link WriterSchemas.Source}: publishes a release's writer schemas, and reads what every
 * release published with a consumer of its own (assigned, no group), from the beginning the first time and from where
 * it stopped after that.
 */
final class SchemaTopic implements WriterSchemas.Source {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> clientConfig;
    private final TopicPartition partition = new TopicPartition(Topics.SCHEMAS.name(), 0);
    private final Map<Long, String> read = new HashMap<>();
    private KafkaConsumer<byte[], byte[]> consumer;

    SchemaTopic(Map<String, Object> clientConfig) {
        this.clientConfig = Map.copyOf(clientConfig);
    }

    /** Writes each schema under its fingerprint and waits for every acknowledgement. */
    void publish(Map<Long, Schema> schemas) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) PUBLISH_TIMEOUT.toMillis());
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "dsp-schemas-publisher");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            List<Future<RecordMetadata>> sends = schemas.entrySet().stream()
                    .map(e -> producer.send(
                            Topics.SCHEMAS.record(e.getKey(), e.getValue().toString())))
                    .toList();
            for (Future<RecordMetadata> send : sends) {
                send.get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing writer schemas to " + Topics.SCHEMAS.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new KafkaException(
                    "writer schemas could not be published to " + Topics.SCHEMAS.name() + " (readers of older releases"
                            + " could not decode this one's records): " + cause,
                    cause);
        }
    }

    @Override
    public synchronized Map<Long, String> catchUp(Duration within) {
        try {
            if (consumer == null) {
                Map<String, Object> config = new HashMap<>(clientConfig);
                config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
                config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
                config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
                config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "dsp-schemas-reader");
                consumer = new KafkaConsumer<>(config);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
            }
            long deadline = System.nanoTime() + within.toNanos();
            long end = consumer.endOffsets(List.of(partition), within).get(partition);
            while (consumer.position(partition, within) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    Long fingerprint = Topics.SCHEMAS.key(record);
                    if (fingerprint != null) {
                        read.put(fingerprint, Topics.SCHEMAS.value(record));
                    }
                }
            }
        } catch (KafkaException e) {
            // the reader goes on with what it knows; the record that needed the schema fails to decode, said there
            closeConsumer();
            org.slf4j.LoggerFactory.getLogger(SchemaTopic.class)
                    .warn("{} could not be read: {}", Topics.SCHEMAS.name(), e.toString());
        }
        return Map.copyOf(read);
    }

    @Override
    public synchronized void close() {
        closeConsumer();
    }

    private void closeConsumer() {
        if (consumer != null) {
            try {
                consumer.close();
            } catch (RuntimeException ignored) {
                // closing only
            }
            consumer = null;
        }
    }
}
