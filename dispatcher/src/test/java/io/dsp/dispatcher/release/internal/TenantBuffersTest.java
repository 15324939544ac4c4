package io.dsp.dispatcher.release.internal;

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

    @Test
    void highPriorityRecordsOfAnyTenantGoBeforeEveryNormalRecord() {
        // given two tenants with normal backlogs, and a high-priority task of a third arriving last
        TopicPartition cHigh = new TopicPartition("dsp.tasks.c.high", 0);
        add(A, 3);
        add(B, 3);
        add(cHigh, 1);

        // then the high task is next, then the round-robin of the normal ones goes on
        assertThat(drain()).containsExactly("c.high:0", "a:0", "b:0", "a:1", "b:1", "a:2", "b:2");
    }

    @Test
    void aHighPriorityTaskDoesNotWaitBehindItsOwnTenantsNormalBacklog() {
        // given
        TopicPartition aHigh = new TopicPartition("dsp.tasks.a.high", 0);
        add(A, 50);
        assertThat(take()).isEqualTo("a:0");

        // when
        add(aHigh, 1);

        // then
        assertThat(take()).isEqualTo("a.high:0");
        assertThat(take()).isEqualTo("a:1");
    }

    @Test
    void highPriorityRecordsOfATenantThatMayNotReleaseLetNormalOnesOfOthersGo() {
        // given tenant a at its cap with a high task waiting
        TopicPartition aHigh = new TopicPartition("dsp.tasks.a.high", 0);
        add(aHigh, 1);
        add(B, 1);

        // then the cap of a (both of its topics) lets b's normal task go
        Optional<ConsumerRecord<byte[], byte[]>> next =
                buffers.poll(tp -> !tp.topic().startsWith("dsp.tasks.a"));
        assertThat(next).map(r -> new String(r.value(), StandardCharsets.UTF_8)).contains("b:0");
    }

    @Test
    void aTenantOfWeightThreeGetsThreeReleasesPerReleaseOfAWeightOneTenantWhileBothWait() {
        // given
        TenantBuffers weighted = new TenantBuffers(tenant -> tenant.equals("dsp.tasks.a") ? 3 : 1);
        for (int i = 0; i < 9; i++) {
            weighted.add(record(A, i));
        }
        for (int i = 0; i < 4; i++) {
            weighted.add(record(B, i));
        }

        // when
        List<String> order = drain(weighted);

        // then
        assertThat(order)
                .containsExactly(
                        "a:0", "a:1", "a:2", "b:0", "a:3", "a:4", "a:5", "b:1", "a:6", "a:7", "a:8", "b:2", "b:3");
    }

    @Test
    void aWeightAppliesToBothTopicsOfItsTenantAndHighStillGoesFirst() {
        // given b weighs 2; a has a high task and a normal backlog
        TenantBuffers weighted = new TenantBuffers(tenant -> tenant.equals("dsp.tasks.b") ? 2 : 1);
        TopicPartition aHigh = new TopicPartition("dsp.tasks.a.high", 0);
        TopicPartition bHigh = new TopicPartition("dsp.tasks.b.high", 0);
        for (int i = 0; i < 3; i++) {
            weighted.add(record(aHigh, i));
            weighted.add(record(bHigh, i));
            weighted.add(record(A, i));
            weighted.add(record(B, i));
        }

        // then all six high tasks go first, weighted 1:2, then the normal ones, weighted 1:2
        assertThat(drain(weighted))
                .containsExactly(
                        "a.high:0",
                        "b.high:0",
                        "b.high:1",
                        "a.high:1",
                        "b.high:2",
                        "a.high:2",
                        "a:0",
                        "b:0",
                        "b:1",
                        "a:1",
                        "b:2",
                        "a:2");
    }

    @Test
    void anIdleTenantDoesNotSaveUpItsWeightToBurstLater() {
        // given a weighs 3 but has waited for nothing while b took turns
        TenantBuffers weighted = new TenantBuffers(tenant -> tenant.equals("dsp.tasks.a") ? 3 : 1);
        weighted.add(record(A, 0));
        weighted.add(record(B, 0));
        assertThat(drain(weighted)).containsExactly("a:0", "b:0");
        for (int i = 1; i < 6; i++) {
            weighted.add(record(B, i));
        }
        assertThat(take(weighted)).isEqualTo("b:1");

        // when a's backlog arrives
        for (int i = 1; i < 7; i++) {
            weighted.add(record(A, i));
        }

        // then it gets three releases per turn, not more
        assertThat(drain(weighted)).startsWith("a:1", "a:2", "a:3", "b:2", "a:4", "a:5", "a:6", "b:3");
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
        return take(buffers);
    }

    private static String take(TenantBuffers buffers) {
        Optional<ConsumerRecord<byte[], byte[]>> next = buffers.poll();
        assertThat(next).as("a waiting record").isPresent();
        return new String(next.get().value(), StandardCharsets.UTF_8);
    }

    private List<String> drain() {
        return drain(buffers);
    }

    private static List<String> drain(TenantBuffers buffers) {
        List<String> out = new ArrayList<>();
        for (Optional<ConsumerRecord<byte[], byte[]>> next = buffers.poll(); next.isPresent(); next = buffers.poll()) {
            out.add(new String(next.get().value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
