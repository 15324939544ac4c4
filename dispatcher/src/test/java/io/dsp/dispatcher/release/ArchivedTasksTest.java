package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.dispatcher.fleet.FleetView.Vanished;
import io.dsp.dispatcher.support.TestTasks;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.topic.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ArchivedTasksTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final TopicPartition DISPATCH = new TopicPartition("dsp.dispatch", 0);

    @Test
    void onlyARecordBelowTheShareGroupsStartOffsetCountsAsArchived() {
        Vanished done = vanished("done", 9);
        Vanished waiting = vanished("waiting", 10);
        Vanished later = vanished("later", 11);
        Vanished unplaced = vanished("unplaced", -1);

        assertThat(ArchivedTasks.below(List.of(done, waiting, later, unplaced), Map.of(DISPATCH, 10L)))
                .containsExactly(done);
    }

    @Test
    void aPartitionTheBrokerSaysNothingAboutKeepsItsTasksWaiting() {
        assertThat(ArchivedTasks.below(List.of(vanished("r", 0)), Map.of(new TopicPartition("other", 0), 5L)))
                .isEmpty();
    }

    @Test
    void theEndOfAnArchivedTaskIsItsDeadLetterAndOneDeadLetteredEventNamingItsLastWorker() {
        List<ProducerRecord<byte[], byte[]>> end = ArchivedTasks.endOf(vanished("r1", 7), "dispatcher", NOW);

        assertThat(end)
                .extracting(ProducerRecord::topic)
                .containsExactly(Topics.DEAD_LETTERS.name(), Topics.TASK_EVENTS.name());
        DeadLetter letter = Topics.DEAD_LETTERS
                .valueSerde()
                .deserializer()
                .deserialize(end.get(0).topic(), end.get(0).value());
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.DELIVERY_LIMIT);
        assertThat(letter.getTask().getRequestId()).isEqualTo("r1");
        assertThat(letter.getWorkerId()).isEqualTo("w9");
        TaskEvent event = Topics.TASK_EVENTS
                .valueSerde()
                .deserializer()
                .deserialize(end.get(1).topic(), end.get(1).value());
        assertThat(event.getType()).isEqualTo(TaskEventType.DEAD_LETTERED);
        assertThat(event.getError().getCode()).isEqualTo("DELIVERY_LIMIT");
        assertThat(event.getError().getMessage()).contains("archived", "w9", "dsp.dispatch-0@7");
    }

    @Test
    void onlyATaskWhoseLastAttemptStartedOnTheLastDeliveryCanHaveNoFurtherDelivery() {
        Vanished last = vanished("last", 3, 5);
        Vanished earlier = vanished("earlier", 4, 4);
        Vanished neverStarted = vanished("never-started", 5, 0);

        assertThat(ArchivedTasks.onTheLastDelivery(List.of(last, earlier, neverStarted), 5))
                .containsExactly(last);
    }

    @Test
    void onlyATaskWhoseLastWorkerHasNoSlotLeftInTheShareGroupCountsAsTakenBack() {
        Vanished left = vanished("left", 1, 5, "gpu-a");
        Vanished stillThere = vanished("still-there", 2, 5, "gpu-b");
        Vanished nobody = vanished("nobody", 3, 5, null);

        assertThat(ArchivedTasks.holderGone(
                        List.of(left, stillThere, nobody), List.of("gpu-b-slot-1", "gpu-ab-slot-0", "dispatcher")))
                .containsExactly(left);
    }

    private static Vanished vanished(String requestId, long offset) {
        return vanished(requestId, offset, 1);
    }

    private static Vanished vanished(String requestId, long offset, int lastDelivery) {
        return vanished(requestId, offset, lastDelivery, "w9");
    }

    private static Vanished vanished(String requestId, long offset, int lastDelivery, String lastHolder) {
        return new Vanished(
                TestTasks.deleteAsset(requestId, "LIC", 1), DISPATCH, offset, NOW, lastHolder, lastDelivery);
    }
}
