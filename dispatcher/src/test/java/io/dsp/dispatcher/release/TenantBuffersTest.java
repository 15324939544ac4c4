package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TenantBuffersTest {

    private static final TopicPartition A = new TopicPartition("dsp.tasks.a", 0);
    private static final TopicPartition B = new TopicPartition("dsp.tasks.b", 0);
    private static final TopicPartition C = new TopicPartition("dsp.tasks.c", 0);

    private final TenantBuffers buffers = new TenantBuffers();

    @Test
    void takesOneRecordFromEachTenantInTurnAndSkipsTenantsThatRanDry() {
        // given
        add(A, 3);
        add(B, 1);
        add(C, 2);

        // when / then
        assertThat(drain()).containsExactly("a:0", "b:0", "c:0", "a:1", "c:1", "a:2");
    }

    @Test
    void keepsTheOrderOfRecordsWithinATenantPartition() {
        add(A, 5);

        assertThat(drain()).containsExactly("a:0", "a:1", "a:2", "a:3", "a:4");
    }

    @Test
    void treatsEachPartitionOfATopicAsItsOwnQueue() {
        TopicPartition a1 = new TopicPartition(A.topic(), 1);
        add(A, 2);
        add(a1, 2);

        assertThat(drain()).containsExactly("a:0", "a:0@1", "a:1", "a:1@1");
    }

    @Test
    void tenantWithALongBacklogDoesNotHoldBackATenantThatArrivedLater() {
        // given
        add(A, 20);
        buffers.poll();
        add(B, 2);

        // when
        List<String> next = List.of(take(), take(), take(), take());

        // then
        assertThat(next).contains("b:0", "b:1");
        assertThat(next).containsSubsequence("b:0", "b:1");
    }

    @Test
    void tenantThatRanDryGetsItsTurnBackWhenNewRecordsArrive() {
        add(A, 1);
        add(B, 3);
        assertThat(List.of(take(), take())).containsExactly("a:0", "b:0");

        buffers.add(record(A, 1));

        assertThat(drain()).containsExactly("a:1", "b:1", "b:2");
    }

    @Test
    void givesNothingWhenEveryQueueIsEmpty() {
        assertThat(buffers.poll()).isEmpty();
        assertThat(buffers.isEmpty()).isTrue();

        add(A, 1);
        assertThat(buffers.isEmpty()).isFalse();
        buffers.poll();

        assertThat(buffers.poll()).isEmpty();
        assertThat(buffers.isEmpty()).isTrue();
    }

    @Test
    void countsWaitingRecordsPerPartition() {
        add(A, 3);
        add(B, 1);
        buffers.poll();

        assertThat(buffers.size(A)).isEqualTo(2);
        assertThat(buffers.size(B)).isEqualTo(1);
        assertThat(buffers.size(C)).isZero();
    }

    @Test
    void dropForgetsTheDroppedPartitionsAndKeepsServingTheOthersInTurn() {
        // given
        add(A, 3);
        add(B, 3);
        add(C, 3);
        assertThat(take()).isEqualTo("a:0");

        // when
        buffers.drop(List.of(B));

        // then
        assertThat(buffers.size(B)).isZero();
        assertThat(buffers.partitions()).containsExactly(A, C);
        assertThat(drain()).containsExactly("c:0", "a:1", "c:1", "a:2", "c:2");
    }

    @Test
    void dropOfEveryPartitionLeavesNothingAndPartitionsCanBeReadAgain() {
        add(A, 2);
        add(B, 2);

        buffers.drop(List.of(A, B));

        assertThat(buffers.poll()).isEmpty();
        assertThat(buffers.partitions()).isEmpty();

        // a rewound partition is read again from its first unreleased record
        add(B, 1);
        assertThat(drain()).containsExactly("b:0");
    }

    @Test
    void dropOfAPartitionNeverSeenIsHarmless() {
        add(A, 1);

        buffers.drop(List.of(C));

        assertThat(drain()).containsExactly("a:0");
    }

    @Test
    void partitionsAreListedInFirstSeenOrderAsASnapshot() {
        add(B, 1);
        add(A, 1);

        List<TopicPartition> seen = new ArrayList<>();
        for (TopicPartition tp : buffers.partitions()) {
            seen.add(tp);
            buffers.drop(List.of(tp)); // changing the buffers while iterating is allowed
        }

        assertThat(seen).containsExactly(B, A);
    }

    private void add(TopicPartition tp, int count) {
        for (int i = 0; i < count; i++) {
            buffers.add(record(tp, i));
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset) {
        return new ConsumerRecord<>(
                tp.topic(), tp.partition(), offset, null, label(tp, offset).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code a:3} for offset 3 of partition 0 of dsp.tasks.a; {@code a:3@1} for partition 1. */
    private static String label(TopicPartition tp, long offset) {
        String tenant = tp.topic().substring("dsp.tasks.".length());
        return tenant + ":" + offset + (tp.partition() == 0 ? "" : "@" + tp.partition());
    }

    private String take() {
        Optional<ConsumerRecord<byte[], byte[]>> next = buffers.poll();
        assertThat(next).as("a waiting record").isPresent();
        return new String(next.get().value(), StandardCharsets.UTF_8);
    }

    private List<String> drain() {
        List<String> out = new ArrayList<>();
        for (Optional<ConsumerRecord<byte[], byte[]>> next = buffers.poll(); next.isPresent(); next = buffers.poll()) {
            out.add(new String(next.get().value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
