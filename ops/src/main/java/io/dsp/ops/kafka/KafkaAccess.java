package io.dsp.ops.kafka;

import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.ops.OpsException;
import io.dsp.ops.cli.Progress;
import io.dsp.schemas.topic.TopicSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
import java.util.concurrent.atomic.AtomicReference;
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
 * group-less readers of committed records (topic views of core that read to the end, then close). Created on first
 * use, closed together.
 */
public final class KafkaAccess implements AutoCloseable {

    private final String bootstrapServers;
    private final Duration timeout;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;

    /** Client settings every client here starts from: security (SASL, TLS) of a secured cluster; empty otherwise. */
    private final Map<String, Object> clientProperties;

    public KafkaAccess(String bootstrapServers, Duration timeout) {
        this(bootstrapServers, timeout, Map.of());
    }

    public KafkaAccess(String bootstrapServers, Duration timeout, Map<String, Object> clientProperties) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        this.clientProperties = Map.copyOf(clientProperties);
    }

    /** The client's own settings over the shared security settings. */
    private Map<String, Object> with(Map<String, Object> own) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.putAll(own);
        return config;
    }

    public Duration timeout() {
        return timeout;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(with(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrapServers,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    (int) timeout.toMillis(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    (int) Math.min(timeout.toMillis(), 30_000))));
        }
        return admin;
    }

    /** Idempotent, every write acknowledged by all in-sync replicas. */
    public synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(with(Map.of(
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
                    (int) Math.max(timeout.toMillis(), 30_000) + 1_000)));
        }
        return producer;
    }

    /** A reader outside any group that sees committed records only (no release of an aborted transaction). */
    public KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(readerConfig());
    }

    private Map<String, Object> readerConfig() {
        return with(Map.of(
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

    /** Every committed record of the topic now (from its first retained record to its end). */
    public List<ConsumerRecord<byte[], byte[]>> readAll(TopicSpec<?, ?> topic, Progress progress) {
        List<String> topics = List.of(topic.name());
        List<TopicPartition> partitions = partitions(topics);
        long total = count(beginningOffsets(partitions), endOffsets(partitions));
        return readToEnd(topics, StartRule.beginning(), Clock.systemUTC(), total, progress);
    }

    /**
     * Every committed record of the topics written at or after {@code since} (every retained one for
     * {@link Instant#EPOCH}), up to their ends now.
     */
    public List<ConsumerRecord<byte[], byte[]>> readSince(Collection<String> topics, Instant since, Progress progress) {
        if (topics.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> partitions = partitions(topics);
        long total = count(offsetsAt(partitions, since), endOffsets(partitions));
        if (!since.isAfter(Instant.EPOCH)) {
            return readToEnd(topics, StartRule.beginning(), Clock.systemUTC(), total, progress);
        }
        // The look-back is measured from a fixed now, so that it begins at exactly {@code since}.
        Instant now = Instant.now();
        Duration window = since.isBefore(now) ? Duration.between(since, now) : Duration.ZERO;
        return readToEnd(topics, StartRule.lookBack(window), Clock.fixed(now, ZoneOffset.UTC), total, progress);
    }

    private static long count(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        long total = 0;
        for (Map.Entry<TopicPartition, Long> e : from.entrySet()) {
            total += Math.max(0, to.getOrDefault(e.getKey(), e.getValue()) - e.getValue());
        }
        return total;
    }

    /**
     * Reads the topics from {@code start} with a {@link TopicView} up to their ends as they were when it opened (its
     * start-up read), then closes it: records written later are not this command's.
     */
    private List<ConsumerRecord<byte[], byte[]>> readToEnd(
            Collection<String> topics, StartRule start, Clock clock, long total, Progress progress) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        if (total == 0) {
            return out;
        }
        progress.total(total);
        AtomicReference<TopicView> view = new AtomicReference<>();
        TopicView.Builder reader = TopicView.builder("ops-read", readerConfig()).clock(clock);
        for (String topic : topics) {
            reader.follow(topic, start, record -> {
                if (view.get().readAtStart(record)) {
                    out.add(record);
                    progress.step(1);
                }
            });
        }
        view.set(reader.build());
        Duration limit = timeout.multipliedBy(4);
        try {
            view.get().start();
            if (!view.get().awaitCaughtUp(limit)) {
                throw new OpsException("Reading " + topics + " did not finish within " + limit.toSeconds() + " s"
                        + view.get().failure().map(f -> ": " + f.getMessage()).orElse(""));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException("Interrupted while waiting for Kafka");
        } finally {
            view.get().stop();
        }
        progress.done();
        return out;
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
    /**
     * Where the dispatcher stands in every tenant topic: each lane's dispatcher group reads its own lane's tenant
     * topics, so their committed offsets are merged (automation topics are read by {@code dsp.dispatcher.automation}).
     */
    public Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> dispatcherOffsets() {
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> all = new HashMap<>();
        for (io.dsp.schemas.topic.Lane lane : io.dsp.schemas.topic.Lane.values()) {
            all.putAll(committedOffsets(lane.dispatcherGroup()));
        }
        return all;
    }

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
