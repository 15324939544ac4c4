package io.dsp.core.slot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRecordStateException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class RidingAcknowledgementsTest {

    private static final TopicIdPartition DISPATCH = new TopicIdPartition(Uuid.randomUuid(), 0, "dsp.dispatch");

    private final RidingAcknowledgements riding = new RidingAcknowledgements();

    private static Lease leaseOf(long offset) {
        MockShareConsumer<byte[], byte[]> consumer = new MockShareConsumer<>();
        return new Lease(consumer, new ConsumerRecord<>("dsp.dispatch", 0, offset, null, null), Duration.ofSeconds(1));
    }

    @Test
    void anAcceptThatRidesIsRememberedUntilItsAnswerComes() {
        assertThat(riding.ride(leaseOf(7), AcknowledgeType.ACCEPT)).isEmpty();
        assertThat(riding.size()).isEqualTo(1);

        assertThat(riding.answered(Map.of(DISPATCH, Set.of(7L)), null)).isEmpty();

        assertThat(riding.size()).isZero();
    }

    @Test
    void aFailedAnswerToARidingAcknowledgementIsReturnedForTheSlotToActOn() {
        riding.rode("dsp.dispatch", 0, 7);

        assertThat(riding.answered(Map.of(DISPATCH, Set.of(7L)), new TimeoutException("no answer")))
                .hasValueSatisfying(failed -> assertThat(Lease.spoils(failed)).isTrue());
        assertThat(riding.size()).isZero();
    }

    @Test
    void aFailureThatIsNotAKafkaExceptionIsWrappedInOne() {
        riding.rode("dsp.dispatch", 0, 7);

        assertThat(riding.answered(Map.of(DISPATCH, Set.of(7L)), new IllegalStateException("closed")))
                .hasValueSatisfying(failed -> assertThat(failed)
                        .isInstanceOf(KafkaException.class)
                        .hasCauseInstanceOf(IllegalStateException.class));
    }

    @Test
    void anAnswerToAcknowledgementsCommittedAtOnceIsLeftToTheirCaller() {
        riding.rode("dsp.dispatch", 0, 7);

        assertThat(riding.answered(Map.of(DISPATCH, Set.of(8L)), new InvalidRecordStateException("released")))
                .isEmpty();
        assertThat(riding.size()).isEqualTo(1);
    }

    @Test
    void aRecordOfAnotherPartitionWithTheSameOffsetIsNotConfused() {
        riding.rode("dsp.dispatch", 1, 7);

        assertThat(riding.answered(Map.of(DISPATCH, Set.of(7L)), new TimeoutException("no answer")))
                .isEmpty();
        assertThat(riding.size()).isEqualTo(1);
    }

    @Test
    void aConsumerClosedForgetsWhatRode() {
        riding.rode("dsp.dispatch", 0, 7);
        riding.rode("dsp.dispatch", 0, 9);

        riding.clear();

        assertThat(riding.answered(Map.of(DISPATCH, Set.of(7L, 9L)), new TimeoutException("late")))
                .isEmpty();
    }
}
