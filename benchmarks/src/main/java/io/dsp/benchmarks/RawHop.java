package io.dsp.benchmarks;

import io.dsp.testkit.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The same hop done by raw clients: a producer writes to one of many tenant topics (acks=all, "accepted" at the
 * acknowledgement), a classic consumer group over them by pattern forwards each poll's records in one transaction with
 * its offsets into a one-partition dispatch topic, read committed at the other end.
 */
final class RawHop implements AutoCloseable {

    private final String prefix;
    private final String dispatch;

    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread forwarder;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile int forwarderAssigned;

    RawHop(int tenants) throws Exception {
        // Fresh names per run: several runs may share one broker.
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        prefix = "bench.raw-" + run + ".";
        dispatch = "bench.raw-" + run + "-dispatch";
        String bootstrap = KafkaTestBroker.get().bootstrapServers();
        List<NewTopic> topics = new ArrayList<>();
        for (int i = 0; i < tenants; i++) {
            topics.add(new NewTopic(prefix + i, 1, (short) 1));
        }
        topics.add(new NewTopic(dispatch, 1, (short) 1));
        KafkaTestBroker.get().admin().createTopics(topics).all().get(60, TimeUnit.SECONDS);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
        forwarder = new Thread(() -> forward(bootstrap), "raw-forwarder");
        forwarder.start();
    }

    String dispatchTopic() {
        return dispatch;
    }

    /** Sends one task; {@code latencies} learns its start when the broker acknowledges it. */
    void send(int tenant, String id, byte[] value, Latencies... latencies) {
        producer.send(
                new ProducerRecord<>(prefix + tenant, id.getBytes(StandardCharsets.UTF_8), value),
                (metadata, error) -> {
                    if (error == null) {
                        long now = System.nanoTime();
                        for (Latencies l : latencies) {
                            l.started(id, now);
                        }
                    }
                });
    }

    /** Whether the forwarder's group owns every tenant topic. */
    boolean ready(int tenants) {
        return forwarderAssigned >= tenants;
    }

    private void forward(String bootstrap) {
        Map<String, Object> producerConfig = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "bench-raw-forwarder",
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
        try (KafkaProducer<byte[], byte[]> tx = new KafkaProducer<>(producerConfig);
                KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "bench-raw-forwarder",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.METADATA_MAX_AGE_CONFIG,
                        3000,
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                        ByteArrayDeserializer.class,
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                        ByteArrayDeserializer.class))) {
            tx.initTransactions();
            consumer = c;
            c.subscribe(Pattern.compile(Pattern.quote(prefix) + "[0-9]+"));
            while (running) {
                ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(100));
                forwarderAssigned = c.assignment().size();
                if (records.isEmpty()) {
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                tx.beginTransaction();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    tx.send(new ProducerRecord<>(dispatch, r.key(), r.value()));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                tx.sendOffsetsToTransaction(offsets, c.groupMetadata());
                tx.commitTransaction();
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        forwarder.join(10_000);
        producer.close();
    }
}
