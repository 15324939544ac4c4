package io.dsp.dispatcher.release.internal;

import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.tenant.TenantTopics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Records read from tenant topics but not yet released, one queue per tenant partition. Taken high priority first:
 * while any tenant that may release has a high-priority task waiting, no normal task is taken, so a high task waits
 * neither behind other tenants' normal work nor behind its own tenant's normal backlog. Within a priority, tenants
 * take turns by weighted round-robin ({@link WeightedRotation}), so a tenant with a long backlog cannot starve the
 * others and a tenant of weight w gets w releases per release of a weight-1 tenant while both wait. Order within a
 * tenant partition is kept.
 */
public final class TenantBuffers {

    private static final List<Priority> ORDER = List.of(Priority.HIGH, Priority.NORMAL);

    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> queues = new LinkedHashMap<>();
    private final Map<Priority, WeightedRotation<TopicPartition>> rotations = new EnumMap<>(Priority.class);

    /** Every tenant of weight 1: plain round-robin. */
    public TenantBuffers() {
        this(tenant -> 1);
    }

    /**
     * @param weightOfTenant the weight of a tenant, known by its normal-priority topic name (both of its topics
     *     share it)
     */
    public TenantBuffers(ToIntFunction<String> weightOfTenant) {
        for (Priority priority : ORDER) {
            rotations.put(
                    priority,
                    new WeightedRotation<>(tp -> weightOfTenant.applyAsInt(TenantTopics.normalTopicOf(tp.topic()))));
        }
    }

    public void add(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        queues.computeIfAbsent(tp, k -> {
                    rotations.get(TenantTopics.priorityOf(k.topic())).add(k);
                    return new ArrayDeque<>();
                })
                .add(record);
    }

    /** The next record: high priority first, then weighted round-robin over tenants with waiting records. */
    public Optional<ConsumerRecord<byte[], byte[]>> poll() {
        return poll(tp -> true);
    }

    /** The next record among tenant partitions that may release now ({@code eligible}), in the order above. */
    public Optional<ConsumerRecord<byte[], byte[]>> poll(Predicate<TopicPartition> eligible) {
        for (Priority priority : ORDER) {
            Optional<TopicPartition> tp =
                    rotations.get(priority).take(k -> !queues.get(k).isEmpty() && eligible.test(k));
            if (tp.isPresent()) {
                return Optional.of(queues.get(tp.get()).poll());
            }
        }
        return Optional.empty();
    }

    /** The first waiting record of a tenant partition, if any, left in place. */
    public Optional<ConsumerRecord<byte[], byte[]>> first(TopicPartition tp) {
        ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = queues.get(tp);
        return queue == null ? Optional.empty() : Optional.ofNullable(queue.peekFirst());
    }

    /**
     * Takes the first waiting record of a tenant partition out of turn (no slot, no round-robin turn): only the front
     * may be taken, so the offsets committed past it stay contiguous.
     */
    public Optional<ConsumerRecord<byte[], byte[]>> pollFirst(TopicPartition tp) {
        ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = queues.get(tp);
        return queue == null ? Optional.empty() : Optional.ofNullable(queue.pollFirst());
    }

    /** The first {@code n} waiting records of a tenant partition, in release order. */
    public List<ConsumerRecord<byte[], byte[]>> peek(TopicPartition tp, int n) {
        ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = queues.get(tp);
        return queue == null ? List.of() : queue.stream().limit(n).toList();
    }

    public int size(TopicPartition tp) {
        ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = queues.get(tp);
        return queue == null ? 0 : queue.size();
    }

    public boolean isEmpty() {
        return queues.values().stream().allMatch(ArrayDeque::isEmpty);
    }

    /** Forgets partitions: revoked ones, or ones rewound after a failed release. */
    public void drop(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            if (queues.remove(tp) != null) {
                rotations.get(TenantTopics.priorityOf(tp.topic())).remove(tp);
            }
        }
    }

    /** A snapshot of the partitions with a queue: high-priority ones first, each in turn order. */
    public List<TopicPartition> partitions() {
        List<TopicPartition> all = new ArrayList<>();
        for (Priority priority : ORDER) {
            all.addAll(rotations.get(priority).queues());
        }
        return all;
    }
}
