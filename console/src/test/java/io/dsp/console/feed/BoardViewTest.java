package io.dsp.console.feed;

import static io.dsp.console.board.Records.deadLetter;
import static io.dsp.console.board.Records.event;
import static io.dsp.console.board.Records.facts;
import static io.dsp.console.board.Records.presence;
import static io.dsp.console.board.Records.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.console.board.Board;
import io.dsp.console.board.DeadLetterRow;
import io.dsp.console.board.TaskRow;
import io.dsp.core.view.TopicView;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the board's view reads at start: the compacted topics whole, task events and dead letters at most
 * {@code lookback-records} back from their end, never before the first record a partition still holds.
 */
class BoardViewTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String LICENSE = "LICENSE-0001";

    /** Task events are retained from this offset on (older ones were deleted by retention). */
    private static final long FIRST_RETAINED_EVENT = 100;

    private final Board board = new Board(200, 40, 100, Duration.ofHours(1));
    private TopicView view;

    @AfterEach
    void stopView() {
        if (view != null) {
            view.stop();
        }
    }

    @Test
    void readsTheCompactedTopicsWholeAndOnlyTheLastRecordsOfTheOthers() {
        view = start(2);

        assertThat(board.caughtUp()).isTrue();
        assertThat(board.snapshot(NOW).workers()).hasSize(2);
        assertThat(board.allTenants(NOW)).hasSize(1);
        assertThat(board.snapshot(NOW).tasks())
                .extracting(TaskRow::requestId)
                .containsExactlyInAnyOrder("task-3", "task-4");
        assertThat(board.snapshot(NOW).deadLetters())
                .extracting(DeadLetterRow::requestId)
                .containsExactlyInAnyOrder("task-1", "task-2");
        assertThat(view.appliedRecords()).isEqualTo(2 + 1 + 2 + 2);
    }

    @Test
    void neverStartsBeforeTheFirstRecordAPartitionStillHolds() {
        view = start(20_000);

        assertThat(board.snapshot(NOW).tasks()).hasSize(5);
        assertThat(board.snapshot(NOW).deadLetters()).hasSize(3);
        assertThat(view.appliedRecords()).isEqualTo(2 + 1 + 5 + 3);
    }

    private TopicView start(long lookbackRecords) {
        List<TaskRequested> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(task("task-" + i, LICENSE, Priority.NORMAL, NOW));
        }
        InMemoryTopics topics = new InMemoryTopics()
                .topic(
                        Topics.WORKERS.name(),
                        0,
                        List.of(
                                Topics.WORKERS.record("w1", presence("w1", "gpu", 2, 0, false, NOW)),
                                Topics.WORKERS.record("w2", presence("w2", "gpu", 3, 1, false, NOW))))
                .topic(
                        Topics.QUEUE_FACTS.name(),
                        0,
                        List.of(Topics.QUEUE_FACTS.record(LICENSE, facts(LICENSE, 4, 1, NOW, NOW))))
                .topic(
                        Topics.TASK_EVENTS.name(),
                        FIRST_RETAINED_EVENT,
                        tasks.stream()
                                .map(t -> Topics.TASK_EVENTS.record(
                                        t.getRequestId(), event(t, TaskEventType.ACCEPTED, NOW)))
                                .toList())
                .topic(
                        Topics.DEAD_LETTERS.name(),
                        0,
                        tasks.subList(0, 3).stream()
                                .map(t ->
                                        Topics.DEAD_LETTERS.record(t.getRequestId(), deadLetter(t, "boom", "w1", NOW)))
                                .toList());
        TopicView started = FeedConfiguration.boardView(Map.of(), board, lookbackRecords)
                .consumerFactory(config -> topics.consumer())
                .startupWait(Duration.ofSeconds(30), true)
                .build();
        started.start();
        return started;
    }

    /** Topics in memory, one partition each, holding their records from a first retained offset on. */
    private static final class InMemoryTopics {
        private final Map<String, Long> first = new LinkedHashMap<>();
        private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

        InMemoryTopics topic(String topic, long firstOffset, List<ProducerRecord<byte[], byte[]>> written) {
            first.put(topic, firstOffset);
            for (int i = 0; i < written.size(); i++) {
                ProducerRecord<byte[], byte[]> r = written.get(i);
                records.add(new ConsumerRecord<>(topic, 0, firstOffset + i, r.key(), r.value()));
            }
            return this;
        }

        MockConsumer<byte[], byte[]> consumer() {
            MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest") {
                @Override
                public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
                    ConsumerRecords<byte[], byte[]> polled = super.poll(timeout);
                    if (polled.isEmpty()) {
                        // nothing new: wait a little, as a real poll does
                        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                    }
                    return polled;
                }
            };
            first.forEach((topic, offset) -> {
                TopicPartition tp = new TopicPartition(topic, 0);
                long count =
                        records.stream().filter(r -> r.topic().equals(topic)).count();
                consumer.updatePartitions(topic, List.of(new PartitionInfo(topic, 0, null, null, null)));
                consumer.updateBeginningOffsets(Map.of(tp, offset));
                consumer.updateEndOffsets(Map.of(tp, offset + count));
            });
            // Added at the first poll: a mock consumer takes records only for partitions already assigned.
            consumer.schedulePollTask(() -> records.forEach(consumer::addRecord));
            return consumer;
        }
    }
}
