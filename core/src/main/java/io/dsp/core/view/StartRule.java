package io.dsp.core.view;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a {@link TopicView} begins reading a topic the first time. After a failure the view resumes from the positions
 * it had reached instead, so a start rule is applied once per partition.
 */
public sealed interface StartRule {

    /** Everything the topic still holds: compacted topics (licenses, presence, commands). */
    static StartRule beginning() {
        return new Beginning();
    }

    /** Only what is written after the view starts (results to route, relayed frames). */
    static StartRule now() {
        return new Now();
    }

    /** The records written in the last {@code window} (recent task events, recent cancellations). */
    static StartRule lookBack(Duration window) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("a look-back cannot be negative: " + window);
        }
        return new LookBack(window);
    }

    /** At most the last {@code records} records of each partition (a bounded history for a dashboard). */
    static StartRule lastRecords(long records) {
        if (records < 0) {
            throw new IllegalArgumentException("a look-back cannot be negative: " + records);
        }
        return new LastRecords(records);
    }

    /** Positions the consumer on these partitions of one topic. */
    void seek(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions, Clock clock);

    record Beginning() implements StartRule {
        @Override
        public void seek(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions, Clock clock) {
            consumer.seekToBeginning(partitions);
        }
    }

    record Now() implements StartRule {
        @Override
        public void seek(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions, Clock clock) {
            consumer.seekToEnd(partitions);
        }
    }

    record LookBack(Duration window) implements StartRule {
        @Override
        public void seek(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions, Clock clock) {
            long since = clock.millis() - window.toMillis();
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, since));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp offset = found.get(tp);
                if (offset == null) {
                    // nothing that recent: start at the end
                    consumer.seekToEnd(java.util.List.of(tp));
                } else {
                    consumer.seek(tp, offset.offset());
                }
            }
        }
    }

    record LastRecords(long records) implements StartRule {
        @Override
        public void seek(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions, Clock clock) {
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, Math.max(begins.get(tp), ends.get(tp) - records));
            }
        }
    }
}
