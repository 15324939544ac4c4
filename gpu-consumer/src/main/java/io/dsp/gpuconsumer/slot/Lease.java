package io.dsp.gpuconsumer.slot;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A slot's hold on the one record it acquired, kept for as long as the task needs, however long that is, by renewing
 * the acquisition lock with the sequence measured to be safe under backlog (share-groups probe, Q1):
 * {@code acknowledge(record, RENEW)}, {@code commitSync()} (an error means the lock is lost), then a short
 * {@code poll}, which hands the same record back. RENEW followed directly by {@code poll()} acquires further records
 * and ran tasks twice in the probe.
 */
final class Lease {

    /** Thrown when the broker no longer holds the record for this slot: another worker may run it now. */
    static final class LockLost extends Exception {
        LockLost(String message) {
            super(message);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(Lease.class);
    private static final Duration RENEWAL_POLL = Duration.ofMillis(100);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_LOCK = Duration.ofSeconds(30);

    private final ShareConsumer<byte[], byte[]> consumer;
    private final Duration renewEvery;
    private ConsumerRecord<byte[], byte[]> record;
    private int renewals;

    Lease(ShareConsumer<byte[], byte[]> consumer, ConsumerRecord<byte[], byte[]> record) {
        this.consumer = consumer;
        this.record = record;
        Duration lock = consumer.acquisitionLockTimeoutMs()
                .map(ms -> Duration.ofMillis(ms.longValue()))
                .orElse(DEFAULT_LOCK);
        // A third of the lock: two renewals may be slow or fail transiently before the lock runs out.
        this.renewEvery = lock.dividedBy(3);
    }

    /** Waits for the work to finish, renewing the lock meanwhile. */
    <T> T await(Future<T> work) throws InterruptedException, ExecutionException, LockLost {
        while (true) {
            try {
                return work.get(renewEvery.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                renew();
            }
        }
    }

    /** Keeps the record for this long without running anything (a retry's back-off), renewing the lock meanwhile. */
    void hold(Duration duration) throws InterruptedException, LockLost {
        long deadline = System.nanoTime() + duration.toNanos();
        for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            long wait = Math.min(left, renewEvery.toNanos());
            TimeUnit.NANOSECONDS.sleep(wait);
            if (deadline - System.nanoTime() > 0) {
                renew();
            }
        }
    }

    /** Ends the hold; returns the broker's error for the acknowledgement, if any. */
    Optional<KafkaException> acknowledge(AcknowledgeType type) {
        consumer.acknowledge(record, type);
        return firstError(consumer.commitSync(COMMIT_TIMEOUT));
    }

    int renewals() {
        return renewals;
    }

    private void renew() throws LockLost {
        consumer.acknowledge(record, AcknowledgeType.RENEW);
        Optional<KafkaException> error = firstError(consumer.commitSync(COMMIT_TIMEOUT));
        if (error.isPresent()) {
            throw new LockLost(
                    "renewing the lock on " + record.topic() + "@" + record.offset() + " failed: " + error.get());
        }
        boolean back = false;
        for (ConsumerRecord<byte[], byte[]> again : consumer.poll(RENEWAL_POLL)) {
            if (again.partition() == record.partition() && again.offset() == record.offset()) {
                record = again;
                back = true;
            } else {
                // Not seen in the probe with this sequence; if it happens, the extra record is not ours to run.
                log.warn("renewal poll acquired {}@{} too; releasing it", again.topic(), again.offset());
                consumer.acknowledge(again, AcknowledgeType.RELEASE);
            }
        }
        if (!back) {
            throw new LockLost("renewal poll did not hand " + record.topic() + "@" + record.offset() + " back");
        }
        renewals++;
    }

    private static Optional<KafkaException> firstError(Map<TopicIdPartition, Optional<KafkaException>> results) {
        return results.values().stream().flatMap(Optional::stream).findFirst();
    }
}
