package io.dsp.core.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidRecordStateException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two slots of one worker with copies of one task, without a broker: the second copy must not go on while the first
 * slot still records the outcome (the fault suite's legacy double run after a broker kill -9).
 */
class RequestClaimsTest {

    private static final Duration RENEW_EVERY = Duration.ofMillis(20);

    private final RequestClaims claims = new RequestClaims();
    private final ExecutorService secondSlot = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        secondSlot.shutdownNow();
    }

    @Test
    void aCopyWaitsWhileASiblingSlotHoldsTheTaskAndGoesOnOnceItLetsGo() throws Exception {
        RenewCounting consumer = new RenewCounting(false);
        RequestClaims.Claim first = claims.claim("req-1", lease(consumer, 7));

        CompletableFuture<RequestClaims.Claim> copy =
                CompletableFuture.supplyAsync(() -> claimQuietly("req-1", lease(consumer, 8)), secondSlot);
        // the copy keeps its own lock while it waits
        await().until(() -> consumer.renewals.get() >= 3);
        assertThat(copy).isNotDone();

        first.close();

        RequestClaims.Claim second = copy.get(10, TimeUnit.SECONDS);
        assertThat(claims.held("req-1")).isTrue();
        second.close();
        assertThat(claims.held("req-1")).isFalse();
    }

    @Test
    void anotherTaskIsNotHeldUp() throws Exception {
        RequestClaims.Claim first = claims.claim("req-1", lease(new RenewCounting(false), 7));

        try (RequestClaims.Claim other = claims.claim("req-2", lease(new RenewCounting(false), 8))) {
            assertThat(claims.held("req-2")).isTrue();
        }
        first.close();
    }

    @Test
    void aCopyWhoseLockIsLostWhileWaitingGoesBackWithoutTheClaim() throws Exception {
        RequestClaims.Claim first = claims.claim("req-1", lease(new RenewCounting(false), 7));

        CompletableFuture<RequestClaims.Claim> copy = CompletableFuture.supplyAsync(
                () -> claimQuietly("req-1", lease(new RenewCounting(true), 8)), secondSlot);

        assertThat(copy)
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableThat()
                .havingRootCause()
                .isInstanceOf(Lease.LockLost.class);
        first.close();
        assertThat(claims.held("req-1")).isFalse();
    }

    @Test
    void closingAClaimTwiceDoesNotFreeAClaimTakenSince() throws Exception {
        RequestClaims.Claim first = claims.claim("req-1", lease(new RenewCounting(false), 7));
        first.close();
        RequestClaims.Claim second = claims.claim("req-1", lease(new RenewCounting(false), 8));

        first.close();

        assertThat(claims.held("req-1")).isTrue();
        second.close();
    }

    private RequestClaims.Claim claimQuietly(String requestId, Lease lease) {
        try {
            return claims.claim(requestId, lease);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Lease lease(RenewCounting consumer, long offset) {
        return new Lease(consumer, new ConsumerRecord<>("dsp.dispatch", 0, offset, null, null), RENEW_EVERY);
    }

    /** A share consumer that grants (or refuses) each renewal and counts them. */
    private static final class RenewCounting extends MockShareConsumer<byte[], byte[]> {
        final AtomicInteger renewals = new AtomicInteger();
        private final boolean refuse;

        RenewCounting(boolean refuse) {
            this.refuse = refuse;
        }

        private ConsumerRecord<byte[], byte[]> renewing;

        @Override
        public synchronized void acknowledge(ConsumerRecord<byte[], byte[]> record, AcknowledgeType type) {
            renewing = record; // nothing polled here: the record is taken as held
        }

        /** The renewal poll hands the renewed record back, as the broker does after a granted renewal. */
        @Override
        public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            ConsumerRecord<byte[], byte[]> back = renewing;
            renewing = null;
            return back == null
                    ? ConsumerRecords.empty()
                    : new ConsumerRecords<>(
                            Map.of(new TopicPartition(back.topic(), back.partition()), List.of(back)), Map.of());
        }

        @Override
        public synchronized Map<TopicIdPartition, Optional<KafkaException>> commitSync(Duration timeout) {
            renewals.incrementAndGet();
            if (refuse) {
                return Map.of(
                        new TopicIdPartition(org.apache.kafka.common.Uuid.ZERO_UUID, 0, "dsp.dispatch"),
                        Optional.of(new InvalidRecordStateException("lock lost")));
            }
            return Map.of();
        }
    }
}
