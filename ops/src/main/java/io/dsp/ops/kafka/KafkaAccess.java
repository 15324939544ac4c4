package io.dsp.ops.kafka;

import io.dsp.ops.OpsException;
import io.dsp.ops.cli.Progress;
import io.dsp.schemas.topic.TopicSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka clients of one command: an admin client, an idempotent producer that waits for every acknowledgement, and
 * group-less readers of committed records. Created on first use, closed together.
 */
public final class KafkaAccess implements AutoCloseable {

    private final String bootstrapServers;
    private final Duration timeout;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;

    public KafkaAccess(String bootstrapServers, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrapServers,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    (int) timeout.toMillis(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    (int) Math.min(timeout.toMillis(), 30_000)));
        }
        return admin;
    }

    /** Idempotent, every write acknowledged by all in-sync replicas. */
    public synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrapServers,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class,
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    true,
                    ProducerConfig.LINGER_MS_CONFIG,
                    5,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    timeout.toMillis(),
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    30_000,
                    // at least linger + request timeout, as the producer requires
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                    (int) Math.max(timeout.toMillis(), 30_000) + 1_000));
        }
        return producer;
    }

    /** A reader outside any group that sees committed records only (no release of an aborted transaction). */
    public KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                2000,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) timeout.toMillis()));
    }

    /** Every topic name in the cluster (internal ones excluded). */
    public Set<String> topics() {
        return get(admin().listTopics().names());
    }

    /** Sends the records and returns once Kafka acknowledged every one; fails naming the first that it did not. */
    public List<RecordMetadata> sendAll(List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            sent.add(producer().send(record));
        }
        List<RecordMetadata> acknowledged = new ArrayList<>();
        for (Future<RecordMetadata> future : sent) {
            acknowledged.add(await(future));
        }
        return acknowledged;
    }

    /** Every committed record of these partitions between the offsets (from inclusive, to exclusive). */
    public List<ConsumerRecord<byte[], byte[]>> read(
            Map<TopicPartition, Long> from, Map<TopicPartition, Long> to, Progress progress) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        Map<TopicPartition, Long> pending = new HashMap<>();
        long total = 0;
        for (Map.Entry<TopicPartition, Long> e : from.entrySet()) {
            long end = to.getOrDefault(e.getKey(), e.getValue());
            if (end > e.getValue()) {
                pending.put(e.getKey(), end);
                total += end - e.getValue();
            }
        }
        if (pending.isEmpty()) {
            return out;
        }
        progress.total(total);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(pending.keySet());
            pending.keySet().forEach(tp -> consumer.seek(tp, from.get(tp)));
            Instant deadline = Instant.now().plus(timeout.multipliedBy(4));
            while (!pending.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    Long end = pending.get(tp);
                    if (end != null && record.offset() < end) {
                        out.add(record);
                        progress.step(1);
                    }
                }
                // Positions, not counts: transaction markers and compacted-away offsets hold no record.
                pending.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                consumer.pause(consumer.assignment().stream()
                        .filter(tp -> !pending.containsKey(tp))
                        .toList());
                if (!pending.isEmpty() && Instant.now().isAfter(deadline)) {
                    throw new OpsException("Reading " + pending.keySet() + " did not finish within "
                            + timeout.multipliedBy(4).toSeconds() + " s");
                }
            }
        }
        progress.done();
        return out;
    }

    /** Every committed record of the topic now (from its first retained record to its end). */
    public List<ConsumerRecord<byte[], byte[]>> readAll(TopicSpec<?, ?> topic, Progress progress) {
        return readAll(List.of(topic.name()), progress);
    }

    public List<ConsumerRecord<byte[], byte[]>> readAll(Collection<String> topics, Progress progress) {
        List<TopicPartition> partitions = partitions(topics);
        return read(beginningOffsets(partitions), endOffsets(partitions), progress);
    }

    public List<TopicPartition> partitions(Collection<String> topics) {
        List<TopicPartition> out = new ArrayList<>();
        if (topics.isEmpty()) {
            return out;
        }
        get(admin().describeTopics(topics).allTopicNames())
                .forEach((name, description) ->
                        description.partitions().forEach(p -> out.add(new TopicPartition(name, p.partition()))));
        return out;
    }

    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return consumer.beginningOffsets(partitions, timeout);
        }
    }

    /** The last stable offsets (read committed): where a reader of committed records ends. */
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return consumer.endOffsets(partitions, timeout);
        }
    }

    /** The first offset at or after this time in each partition; the end offset where nothing is that recent. */
    public Map<TopicPartition, Long> offsetsAt(Collection<TopicPartition> partitions, Instant at) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, Math.max(0, at.toEpochMilli())));
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> out = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp offset = found.get(tp);
                out.put(tp, offset == null ? ends.get(tp) : offset.offset());
            }
            return out;
        }
    }

    /** A consumer group's committed offsets; none for a group that does not exist (no dispatcher ever ran). */
    public Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committedOffsets(String group) {
        try {
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets =
                    admin().listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> out = new HashMap<>();
            offsets.forEach((tp, offset) -> {
                if (offset != null) {
                    out.put(tp, offset);
                }
            });
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return Map.of();
            }
            throw new OpsException("Kafka at " + bootstrapServers + " refused to list the offsets of " + group + ": "
                    + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException("Interrupted while waiting for Kafka");
        } catch (TimeoutException e) {
            throw new OpsException("Kafka at " + bootstrapServers + " did not answer within " + timeout.toSeconds()
                    + " s (is it running? --bootstrap-servers)");
        }
    }

    public <T> T get(KafkaFuture<T> future) {
        return await(future);
    }

    private <T> T await(Future<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException("Interrupted while waiting for Kafka");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new OpsException("Kafka at " + bootstrapServers + " refused: " + cause.getMessage());
        } catch (TimeoutException e) {
            throw new OpsException("Kafka at " + bootstrapServers + " did not answer within " + timeout.toSeconds()
                    + " s (is it running? --bootstrap-servers)");
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(timeout);
        }
        if (admin != null) {
            admin.close(timeout);
        }
    }
}
