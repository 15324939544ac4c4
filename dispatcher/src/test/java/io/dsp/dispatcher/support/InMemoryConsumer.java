package io.dsp.dispatcher.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * A consumer over topics held in memory, one partition each, for a topic view under test: the records are in the
 * topics from the start (handed out from the first poll, once the view has placed itself by its start rules), a poll
 * with nothing new waits a little as a real one does, and every poll fails while {@code broken} is set.
 */
public final class InMemoryConsumer extends MockConsumer<byte[], byte[]> {

    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final AtomicBoolean broken;

    /**
     * @param written the topics' records in order, each with its timestamp ({@link #written})
     */
    public InMemoryConsumer(
            Collection<String> topics, List<ProducerRecord<byte[], byte[]>> written, AtomicBoolean broken) {
        super("earliest");
        this.broken = broken;
        for (String topic : topics) {
            List<ProducerRecord<byte[], byte[]>> ofTopic =
                    written.stream().filter(r -> r.topic().equals(topic)).toList();
            for (ProducerRecord<byte[], byte[]> r : ofTopic) {
                records.add(new ConsumerRecord<>(
                        topic,
                        0,
                        records.stream().filter(c -> c.topic().equals(topic)).count(),
                        r.timestamp(),
                        TimestampType.CREATE_TIME,
                        -1,
                        -1,
                        r.key(),
                        r.value(),
                        new RecordHeaders(),
                        Optional.empty()));
            }
            TopicPartition tp = new TopicPartition(topic, 0);
            updatePartitions(topic, List.of(new PartitionInfo(topic, 0, null, null, null)));
            updateBeginningOffsets(Map.of(tp, 0L));
            updateEndOffsets(Map.of(tp, (long) ofTopic.size()));
        }
        // Added at the first poll: a mock consumer takes records only for partitions already assigned.
        schedulePollTask(() -> records.forEach(this::addRecord));
    }

    /** The record as written at {@code at}, on partition 0. */
    public static ProducerRecord<byte[], byte[]> written(ProducerRecord<byte[], byte[]> record, Instant at) {
        return new ProducerRecord<>(record.topic(), 0, at.toEpochMilli(), record.key(), record.value());
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        if (broken.get()) {
            throw new KafkaException("injected fetch failure");
        }
        ConsumerRecords<byte[], byte[]> polled = super.poll(timeout);
        if (polled.isEmpty()) {
            LockSupport.parkNanos(
                    Math.min(timeout.toNanos(), Duration.ofMillis(20).toNanos()));
        }
        return polled;
    }

    /** The first record of each partition written at or after the time asked, as a broker answers. */
    @Override
    public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> query) {
        Map<TopicPartition, OffsetAndTimestamp> found = new HashMap<>();
        query.forEach((tp, since) -> records.stream()
                .filter(r -> r.topic().equals(tp.topic()) && r.timestamp() >= since)
                .findFirst()
                .ifPresent(r -> found.put(tp, new OffsetAndTimestamp(r.offset(), r.timestamp()))));
        return found;
    }
}
