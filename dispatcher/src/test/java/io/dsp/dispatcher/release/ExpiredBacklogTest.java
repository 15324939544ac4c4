package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.topic.Topics;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ExpiredBacklogTest {

    private static final TopicPartition TENANT = new TopicPartition("dsp.tasks.LIC", 0);

    @Test
    void nothingIsLostWhenTheGroupStandsAtOrPastTheLogStart() {
        assertThat(ExpiredBacklog.between(TENANT, 0, 0)).isEmpty();
        assertThat(ExpiredBacklog.between(TENANT, 7, 3)).isEmpty();
    }

    @Test
    void theRangeBetweenTheGroupAndTheLogStartIsLost() {
        assertThat(ExpiredBacklog.between(TENANT, 2, 10))
                .hasValueSatisfying(lost -> assertThat(lost.count()).isEqualTo(8));
    }

    @Test
    void aLostRangeBecomesADeadLetterThatNamesWhereTheTasksWere() {
        ExpiredBacklog lost = ExpiredBacklog.between(TENANT, 2, 10).orElseThrow();

        ProducerRecord<byte[], byte[]> record = lost.deadLetter("LIC", Instant.EPOCH);
        DeadLetter letter = Topics.DEAD_LETTERS.valueSerde().deserializer().deserialize(record.topic(), record.value());

        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.BACKLOG_EXPIRED);
        assertThat(letter.getTask().getRequestId()).isEqualTo("lost-dsp.tasks.LIC-0-2-10");
        assertThat(letter.getTask().getLicenseKey()).isEqualTo("LIC");
        assertThat(letter.getLastError())
                .isEqualTo("8 task(s) at offsets 2..9 of dsp.tasks.LIC-0 were deleted by"
                        + " the topic's retention before they were released");
    }
}
