package io.dsp.core.slot;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;

/**
 * The records whose final acknowledgement rides on a slot's next poll (ADR 034), until the broker's answer comes back
 * through the share consumer's acknowledgement commit callback. A slot acts on the answers to those only: answers to
 * acknowledgements it committed at once reached their caller already. Native and legacy (gateway) slots keep one each.
 *
 * <p>Not thread-safe: the slot's own thread only, which is where the callback runs too (inside the consumer's poll,
 * commit or close).
 */
public final class RidingAcknowledgements {

    private final Set<String> riding = new HashSet<>();

    /**
     * Ends the lease's hold with {@code type} ({@code ACCEPT} or {@code REJECT}) on the next poll and remembers it until
     * the answer comes.
     *
     * @return the consumer's refusal (a lock it no longer holds), if any; nothing then rides
     */
    public Optional<KafkaException> ride(Lease lease, AcknowledgeType type) {
        Optional<KafkaException> refused = lease.acknowledgeWithNextPoll(type);
        if (refused.isEmpty()) {
            rode(
                    lease.record().topic(),
                    lease.record().partition(),
                    lease.record().offset());
        }
        return refused;
    }

    void rode(String topic, int partition, long offset) {
        riding.add(key(topic, partition, offset));
    }

    /**
     * Takes the callback's answer: the riding acknowledgements it names are answered, and their failure, if the answer
     * is one, is returned (as a {@link KafkaException}, for {@link Lease#spoils}).
     */
    public Optional<KafkaException> answered(Map<TopicIdPartition, Set<Long>> offsets, Exception error) {
        boolean rode = false;
        for (Map.Entry<TopicIdPartition, Set<Long>> acknowledged : offsets.entrySet()) {
            for (long offset : acknowledged.getValue()) {
                rode |= riding.remove(
                        key(acknowledged.getKey().topic(), acknowledged.getKey().partition(), offset));
            }
        }
        if (!rode || error == null) {
            return Optional.empty();
        }
        return Optional.of(error instanceof KafkaException k ? k : new KafkaException(error));
    }

    /** How many acknowledgements ride, unanswered. */
    public int size() {
        return riding.size();
    }

    /** Forgets them all: the consumer was closed, which sent what still rode and answered it, or was dropped. */
    public void clear() {
        riding.clear();
    }

    private static String key(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }
}
