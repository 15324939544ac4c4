package io.dsp.dispatcher.release;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Records read from tenant topics but not yet released, one queue per tenant partition, taken round-robin so that a
 * tenant with a long backlog cannot starve the others. Order within a tenant is kept.
 */
final class TenantBuffers {

    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> queues = new LinkedHashMap<>();
    private final List<TopicPartition> turns = new ArrayList<>();
    private int next;

    void add(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        queues.computeIfAbsent(tp, k -> {
                    turns.add(k);
                    return new ArrayDeque<>();
                })
                .add(record);
    }

    /** The next record in round-robin order over tenants with waiting records. */
    Optional<ConsumerRecord<byte[], byte[]>> poll() {
        return poll(tp -> true);
    }

    /** The next record in round-robin order over tenants with waiting records that may release now. */
    Optional<ConsumerRecord<byte[], byte[]>> poll(Predicate<TopicPartition> eligible) {
        for (int tried = 0; tried < turns.size(); tried++) {
            TopicPartition tp = turns.get(next % turns.size());
            next = (next + 1) % turns.size();
            ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = queues.get(tp);
            if (!queue.isEmpty() && eligible.test(tp)) {
                return Optional.of(queue.poll());
            }
        }
        return Optional.empty();
    }

    /** The first {@code n} waiting records of a tenant, in release order. */
    List<ConsumerRecord<byte[], byte[]>> peek(TopicPartition tp, int n) {
        ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = queues.get(tp);
        return queue == null ? List.of() : queue.stream().limit(n).toList();
    }

    int size(TopicPartition tp) {
        ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = queues.get(tp);
        return queue == null ? 0 : queue.size();
    }

    boolean isEmpty() {
        return queues.values().stream().allMatch(ArrayDeque::isEmpty);
    }

    /** Forgets partitions: revoked ones, or ones rewound after a failed release. */
    void drop(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            int index = turns.indexOf(tp);
            if (index < 0) {
                continue;
            }
            queues.remove(tp);
            turns.remove(index);
            if (index < next) {
                next--; // keep the turn on the tenant that was due next
            }
        }
        next = turns.isEmpty() ? 0 : next % turns.size();
    }

    /** A snapshot of the partitions with a queue, in turn order. */
    List<TopicPartition> partitions() {
        return List.copyOf(turns);
    }
}
