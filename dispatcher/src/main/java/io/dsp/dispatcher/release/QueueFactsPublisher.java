package io.dsp.dispatcher.release;

import io.dsp.dispatcher.fleet.FleetView;
import io.dsp.dispatcher.release.internal.TenantBuffers;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes, per license whose tenant topics this instance reads, what waits there: the count (read-ahead plus the
 * group's lag), since when the oldest waits, and the next request ids in release order; and keeps the backlog gauges
 * with them. Only changes are published, at most once per interval; the topic is compacted, so the latest facts of
 * every license stay readable. Driven by the release loop's thread between turns: it reads the loop's consumer and
 * read-ahead and writes through its transactional producer.
 */
final class QueueFactsPublisher {

    private static final Logger log = LoggerFactory.getLogger(QueueFactsPublisher.class);

    /** Request ids listed per license: positions beyond this are reported only as a count. */
    static final int LISTED = 20;

    /** The license of a tenant (known by its normal-priority topic); {@code null} while it is not known yet. */
    @FunctionalInterface
    interface Licenses {
        /** @param head the tenant's next waiting records, from which an unknown license may be read */
        String of(String tenant, List<ConsumerRecord<byte[], byte[]>> head);
    }

    private final FleetView fleet;
    private final BacklogGauges backlog;
    private final Duration interval;
    private final Map<String, QueueFacts> published = new HashMap<>();
    private Instant next = Instant.EPOCH;

    QueueFactsPublisher(FleetView fleet, MeterRegistry meters, Duration interval) {
        this.fleet = fleet;
        this.backlog = new BacklogGauges(meters);
        this.interval = interval;
    }

    /** Once per interval: the facts of every tenant assigned to {@code consumer}, those that changed committed. */
    void publishIfDue(
            Instant now,
            Consumer<byte[], byte[]> consumer,
            TenantBuffers buffers,
            Licenses licenses,
            ReleaseTransactions transactions) {
        if (now.isBefore(next)) {
            return;
        }
        next = now.plus(interval);
        List<QueueFacts> current = current(now, consumer, buffers, licenses);
        List<ProducerRecord<byte[], byte[]>> changed = changed(current);
        if (changed.isEmpty()) {
            return;
        }
        try {
            transactions.commit(changed, Map.of(), consumer.groupMetadata());
            current.forEach(facts -> published.put(facts.getLicenseKey(), facts));
        } catch (RuntimeException e) {
            log.warn("could not publish queue facts: {}", e.toString());
        }
    }

    private List<QueueFacts> current(
            Instant now, Consumer<byte[], byte[]> consumer, TenantBuffers buffers, Licenses licenses) {
        Map<String, List<TopicPartition>> byTenant = new LinkedHashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            byTenant.computeIfAbsent(TenantTopics.normalTopicOf(tp.topic()), k -> new ArrayList<>())
                    .add(tp);
        }
        List<QueueFacts> current = new ArrayList<>();
        for (Map.Entry<String, List<TopicPartition>> tenant : byTenant.entrySet()) {
            List<TopicPartition> partitions = tenant.getValue();
            // High priority first: that is the order in which they will be released.
            partitions.sort((a, b) -> TenantTopics.priorityOf(b.topic()).compareTo(TenantTopics.priorityOf(a.topic())));
            List<ConsumerRecord<byte[], byte[]>> head = new ArrayList<>();
            int buffered = 0;
            long lag = 0;
            Instant oldest = null;
            for (TopicPartition tp : partitions) {
                List<ConsumerRecord<byte[], byte[]>> first = buffers.peek(tp, LISTED);
                head.addAll(first);
                buffered += buffers.size(tp);
                lag += consumer.currentLag(tp).orElse(0);
                if (!first.isEmpty()) {
                    Instant since = Instant.ofEpochMilli(first.get(0).timestamp());
                    oldest = oldest == null || since.isBefore(oldest) ? since : oldest;
                }
            }
            String license = licenses.of(tenant.getKey(), head);
            if (license == null) {
                continue;
            }
            QueueFacts facts = facts(license, head, buffered + lag, fleet.inFlightOf(license), oldest, now);
            current.add(facts);
            backlog.update(license, facts.getWaiting(), facts.getOldestWaitingSince(), now);
        }
        return current;
    }

    /**
     * Facts of one tenant (both of its topics).
     *
     * @param head the next records in release order (high priority first)
     * @param oldest when the oldest waiting record that was read was written; {@code null} when none was read
     */
    private static QueueFacts facts(
            String licenseKey,
            List<ConsumerRecord<byte[], byte[]>> head,
            long waiting,
            int inFlight,
            Instant oldest,
            Instant now) {
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
    private List<ProducerRecord<byte[], byte[]>> changed(List<QueueFacts> current) {
        return current.stream()
                .filter(facts -> {
                    QueueFacts last = published.get(facts.getLicenseKey());
                    return last == null || !sameExceptTime(last, facts);
                })
                .map(facts -> Topics.QUEUE_FACTS.record(facts.getLicenseKey(), facts))
                .toList();
    }

    /** Forgets licenses whose partitions this instance no longer owns, gauges included; their new owner publishes. */
    void retainOnly(Set<String> licenses) {
        published.keySet().retainAll(licenses);
        backlog.retainOnly(licenses);
    }

    private static boolean sameExceptTime(QueueFacts a, QueueFacts b) {
        return a.getWaiting() == b.getWaiting()
                && a.getInFlight() == b.getInFlight()
                && Objects.equals(a.getOldestWaitingSince(), b.getOldestWaitingSince())
                && a.getNextRequestIds().equals(b.getNextRequestIds());
    }
}
