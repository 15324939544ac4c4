package io.dsp.benchmarks;

import io.dsp.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * acknowledgement), a classic consumer group over them by pattern forwards in one transaction with its offsets into a
 * one-partition dispatch topic, read committed at the other end, as the dispatcher does: only into free share
 * consumers ({@code window} records forwarded and not yet accepted at most, the dispatcher's free slots plus its
 * prefetch: {@link StackUnderTest#releaseWindow}), so that what waits while every consumer is busy goes out together,
 * in one transaction.
 *
 * <p>That matters on a share group: every transaction leaves a commit marker in the dispatch topic, a share consumer
 * with the slots' settings (one record per poll) acquires it like a record, and the {@code poll} that took it returns
 * nothing, only after its whole timeout. Forwarding each record in a transaction of its own, whatever the consumers'
 * state, costs a consumer a full poll timeout per record (8 consumers at 500 ms: at most 16 records/s).
 *
 * <p>Its topics are made like the system's (a tenant topic, {@code dsp.dispatch}) and, with its forwarder's group,
 * removed on {@link #close} ({@link RawTopics}); its transactional id is unique to the run.
 */
final class RawHop implements AutoCloseable {

    private final Broker broker;
    private final RawTopics raw;
    private final String prefix;
    private final String dispatch;
    private final String forwarderGroup;

    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread forwarder;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile int forwarderAssigned;
    private final int window;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * Forwards into at most {@code window} records not yet accepted by the share consumers; its {@code tenants} topics
     * are made like {@code likeTenantTopic}, its dispatch topic like {@code dsp.dispatch}.
     */
    RawHop(Broker broker, int tenants, int window, String likeTenantTopic) throws Exception {
        this.broker = broker;
        this.window = window;
        // Fresh names per run: several runs, and the system, share one broker.
        raw = new RawTopics(broker.admin());
        prefix = raw.name("tenant.");
        dispatch = raw.name("dispatch");
        forwarderGroup = raw.consumerGroup("forwarder");
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < tenants; i++) {
            topics.add(prefix + i);
        }
        try {
            raw.createLike(likeTenantTopic, topics);
            raw.createLike(Topics.DISPATCH.name(), List.of(dispatch));
        } catch (Exception e) {
            raw.close();
            throw e;
        }
        // asset-api's producer settings: acks=all, idempotence, linger 0
        producer = new KafkaProducer<>(broker.config(Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class)));
        forwarder = new Thread(this::forward, "raw-forwarder");
        forwarder.start();
    }

    /** The run's share groups and topics are made (and removed) here too. */
    RawTopics topics() {
        return raw;
    }

    String dispatchTopic() {
        return dispatch;
    }

    /**
     * Sends one task; {@code latencies} learns when it was sent, and its start when the broker acknowledges it.
     */
    void send(int tenant, String id, byte[] value, Latencies... latencies) {
        long sentAt = System.nanoTime();
        for (Latencies l : latencies) {
            l.sent(id, sentAt);
        }
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

    /** A share consumer accepted a forwarded record: room for the next one. */
    void accepted() {
        inFlight.decrementAndGet();
    }

    /** Whether the forwarder's group owns every tenant topic. */
    boolean ready(int tenants) {
        return forwarderAssigned >= tenants;
    }

    private void forward() {
        Map<String, Object> producerConfig = broker.config(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                forwarderGroup,
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
        try (KafkaProducer<byte[], byte[]> tx = new KafkaProducer<>(producerConfig);
                KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(broker.config(Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        forwarderGroup,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.METADATA_MAX_AGE_CONFIG,
                        3000,
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                        ByteArrayDeserializer.class,
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                        ByteArrayDeserializer.class)))) {
            tx.initTransactions();
            consumer = c;
            c.subscribe(Pattern.compile(Pattern.quote(prefix) + "[0-9]+"));
            Deque<ConsumerRecord<byte[], byte[]>> waiting = new ArrayDeque<>();
            while (running) {
                // the dispatcher's turn: poll (100 ms, its default), then release what the window allows
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    waiting.add(r);
                }
                forwarderAssigned = c.assignment().size();
                int room = Math.min(waiting.size(), window - inFlight.get());
                if (room <= 0) {
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                tx.beginTransaction();
                for (int i = 0; i < room; i++) {
                    ConsumerRecord<byte[], byte[]> r = waiting.poll();
                    tx.send(new ProducerRecord<>(dispatch, r.key(), r.value()));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                tx.sendOffsetsToTransaction(offsets, c.groupMetadata());
                tx.commitTransaction();
                inFlight.addAndGet(room);
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
        raw.close();
    }
}
