package io.dsp.core.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A lease whose broker stops answering, without a broker: the share consumer's {@code commitSync} may throw when it
 * times out instead of answering per partition (KAFKA-21485), as it did while the fault suite's broker restarted.
 */
class LeaseTest {

    private static final Duration RENEW_EVERY = Duration.ofMillis(20);
    private final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("dsp.dispatch", 0, 7L, null, null);

    @Test
    void aTaskThatFinishesWhileARenewalTimesOutStillHasItsOutcomeReported() throws Exception {
        CompletableFuture<String> work = new CompletableFuture<>();
        // the work ends while the renewal waits for a broker that is down
        Lease lease = new Lease(new UnreachableBroker(() -> work.complete("done")), record, RENEW_EVERY);

        assertThat(lease.await(work)).isEqualTo("done");
    }

    @Test
    void aRenewalThatTimesOutLosesTheLockOfATaskStillRunning() {
        Lease lease = new Lease(new UnreachableBroker(() -> {}), record, RENEW_EVERY);

        assertThatThrownBy(() -> lease.await(new CompletableFuture<String>()))
                .isInstanceOf(Lease.LockLost.class)
                .hasMessageContaining("renewing the lock on dsp.dispatch@7 failed")
                .hasMessageContaining("timed out");
    }

    @Test
    void anAcknowledgementWhoseCommitTimesOutReturnsTheErrorInsteadOfThrowingIt() {
        Lease lease = new Lease(new UnreachableBroker(() -> {}), record, RENEW_EVERY);

        Optional<KafkaException> error = lease.acknowledge(AcknowledgeType.ACCEPT);

        assertThat(error).containsInstanceOf(TimeoutException.class);
    }

    @Test
    void anAcknowledgementWhoseCommitTimesOutSpoilsTheConsumerButABrokerRefusalDoesNot() {
        Lease lease = new Lease(new UnreachableBroker(() -> {}), record, RENEW_EVERY);

        assertThat(Lease.spoils(lease.acknowledge(AcknowledgeType.ACCEPT).orElseThrow()))
                .isTrue();
        assertThat(Lease.spoils(new KafkaException(new IllegalStateException("closed"))))
                .isTrue();
        assertThat(Lease.spoils(new org.apache.kafka.common.errors.InvalidRecordStateException("lock lost")))
                .isFalse();
    }

    @Test
    void aStepSeenThroughOutlivesTheLostLockAndOnlyThenIsTheLockLossThrown() {
        CompletableFuture<Void> mayFinish = new CompletableFuture<>();
        AtomicBoolean finished = new AtomicBoolean();
        AtomicBoolean told = new AtomicBoolean();
        ExecutorService io = Executors.newSingleThreadExecutor();
        try {
            Lease lease = new Lease(new UnreachableBroker(() -> {}), record, RENEW_EVERY);

            assertThatThrownBy(() -> lease.seeThrough(
                            () -> {
                                // held back until the slot has been told of the lost lock
                                mayFinish.get();
                                finished.set(true);
                                return null;
                            },
                            io,
                            lost -> {
                                told.set(true);
                                mayFinish.complete(null);
                            }))
                    .isInstanceOf(Lease.LockLost.class);
            assertThat(told).isTrue();
            assertThat(finished)
                    .as("the step ended before the lock loss was thrown")
                    .isTrue();
        } finally {
            io.shutdownNow();
        }
    }

    @Test
    void aStepSeenThroughThatFailsAfterTheLockWasLostThrowsItsOwnError() {
        ExecutorService io = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Void> mayFail = new CompletableFuture<>();
            Lease lease = new Lease(new UnreachableBroker(() -> {}), record, RENEW_EVERY);

            assertThatThrownBy(() -> lease.seeThrough(
                            () -> {
                                mayFail.get();
                                throw new IllegalArgumentException("send refused");
                            },
                            io,
                            lost -> mayFail.complete(null)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("send refused");
        } finally {
            io.shutdownNow();
        }
    }

    /** A share consumer whose commits time out by throwing, after running {@code meanwhile}. */
    private static final class UnreachableBroker extends MockShareConsumer<byte[], byte[]> {
        private final Runnable meanwhile;

        UnreachableBroker(Runnable meanwhile) {
            this.meanwhile = meanwhile;
        }

        @Override
        public synchronized Map<TopicIdPartition, Optional<KafkaException>> commitSync(Duration timeout) {
            meanwhile.run();
            throw new TimeoutException("commitSync timed out");
        }
    }
}
