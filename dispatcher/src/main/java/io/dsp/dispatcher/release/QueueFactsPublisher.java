package io.dsp.dispatcher.release;

import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Publishes, per license, what waits in its tenant topic: the count (read-ahead plus the group's lag), since when the
 * oldest waits, and the next request ids in release order. Only changes are published; the topic is compacted, so
 * the latest facts of every license stay readable.
 */
final class QueueFactsPublisher {

    /** Request ids listed per license: positions beyond this are reported only as a count. */
    static final int LISTED = 20;

    private final Map<String, QueueFacts> published = new HashMap<>();

    /**
     * Facts of one tenant (both of its topics), or null when its license is not known yet.
     *
     * @param head the next records in release order (high priority first)
     * @param oldest when the oldest waiting record that was read was written; {@code null} when none was read
     */
    static QueueFacts facts(
            String licenseKey,
            List<ConsumerRecord<byte[], byte[]>> head,
            int buffered,
            OptionalLong lag,
            int inFlight,
            Instant oldest,
            Instant now) {
        if (licenseKey == null) {
            return null;
        }
        long waiting = buffered + lag.orElse(0);
        List<String> next = head.stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .toList();
        return QueueFacts.newBuilder()
                .setLicenseKey(licenseKey)
                .setWaiting(waiting)
                .setInFlight(inFlight)
                .setOldestWaitingSince(waiting == 0 ? null : oldest)
                .setNextRequestIds(next.size() > LISTED ? next.subList(0, LISTED) : next)
                .setAt(now)
                .build();
    }

    /** Records for the facts that changed since they were last published. */
    List<ProducerRecord<byte[], byte[]>> changed(List<QueueFacts> current) {
        return current.stream()
                .filter(facts -> {
                    QueueFacts last = published.get(facts.getLicenseKey());
                    return last == null || !sameExceptTime(last, facts);
                })
                .map(facts -> Topics.QUEUE_FACTS.record(facts.getLicenseKey(), facts))
                .toList();
    }

    /** Remembers what was committed, so that only later changes are sent. */
    void published(List<QueueFacts> current) {
        current.forEach(facts -> published.put(facts.getLicenseKey(), facts));
    }

    /** Forgets licenses whose partitions this instance no longer owns; their new owner publishes them. */
    void retainOnly(Set<String> licenses) {
        published.keySet().retainAll(licenses);
    }

    static boolean sameExceptTime(QueueFacts a, QueueFacts b) {
        return a.getWaiting() == b.getWaiting()
                && a.getInFlight() == b.getInFlight()
                && Objects.equals(a.getOldestWaitingSince(), b.getOldestWaitingSince())
                && a.getNextRequestIds().equals(b.getNextRequestIds());
    }

    static TopicPartition partition(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }
}
