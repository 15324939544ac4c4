package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.Gateways;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.gateway.support.Tasks;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A legacy slot that gives a task back unrun (its worker cannot take that type, its ledger cannot be checked, its
 * worker left) counts the task's deliveries: on the last one the broker would archive the record without a word, so
 * the slot dead-letters it instead, with a terminal event its owner sees.
 */
class LegacyGiveBackIT {

    static ConfigurableApplicationContext gateway;

    @BeforeAll
    static void startAGateway() {
        gateway = Gateways.start("gw-give-back-", Map.of());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    static String url() {
        return Gateways.url(gateway);
    }

    @Test
    void aTaskItsLegacyWorkerCannotRunReachesAnotherMemberOfTheFleetInsteadOfBurningItsDeliveries() throws Exception {
        // given a legacy worker that runs delete_asset only, and another member of the fleet (a native worker, say)
        // that looks for work only every half second, as a busy worker whose slots free now and then
        String probe = "fleet-probe-" + UUID.randomUUID();
        try (FakeLegacyWorker worker =
                        FakeLegacyWorker.connect(url(), Mode.SUCCEED, FakeLegacyWorker.registerFor("delete_asset"));
                ShareConsumer<byte[], byte[]> other = KafkaProbe.gpuFleetMember(probe)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> KafkaProbe.legacySlotMembers() > 0);
            // the other member has joined and been assigned the topic (until then the slots alone are offered it)
            await("the other member is assigned the dispatch topic")
                    .pollInSameThread()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> r : other.poll(Duration.ofMillis(100))) {
                            other.acknowledge(r, AcknowledgeType.RELEASE); // an earlier test's record: not ours
                        }
                        other.commitSync();
                        return KafkaProbe.assignedFleetMember(probe);
                    });

            // when an upload_asset task is dispatched
            TaskRequested task = Tasks.uploadAsset("LIC-" + UUID.randomUUID(), 62, "0".repeat(32), "mp4", 10);
            KafkaProbe.dispatch(List.of(task));

            // then the other member gets it before the legacy slot has used up its deliveries giving it back
            ConsumerRecord<byte[], byte[]> got =
                    awaitOffered(other, task, Duration.ofSeconds(30), Duration.ofMillis(500));
            assertThat(got.deliveryCount()).isPresent();
            assertThat(worker.requestIds()).doesNotContain(task.getRequestId());
        }
    }

    @Test
    void aSuspectedWorkerKillerItsLegacyWorkerCannotRunIsGivenBackNotQuarantined() throws Exception {
        // given a legacy worker with one slot that runs delete_asset only, and a synthesis whose two earlier attempts
        // ended with their (native) workers dying, the latest alone: a worker able to run it would quarantine it, but
        // one that cannot run it says nothing about it (ADR 038)
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(
                url(),
                Mode.SUCCEED,
                "{\"type\":\"register\",\"role\":\"worker\",\"version\":\"1.0\",\"slots\":1,"
                        + "\"task_types\":[\"delete_asset\"]}")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> KafkaProbe.legacySlotMembers() > 0);
            TaskRequested task = Tasks.heyGemSubmit("LIC-" + UUID.randomUUID(), "c".repeat(32), "d".repeat(32));
            LegacySlotLedgerIT.startedOn(task, "gpu-died-1", 1);
            LegacySlotLedgerIT.startedOn(task, "gpu-died-2", 2, true);

            // when it is dispatched, the legacy slots alone in the group at first
            KafkaProbe.dispatch(List.of(task));

            // then, once they waited for its open attempt, they give it back and another member gets it, unjudged
            ConsumerRecord<byte[], byte[]> got;
            try (ShareConsumer<byte[], byte[]> other = KafkaProbe.gpuFleetMember("fleet-probe-" + UUID.randomUUID())) {
                got = awaitOffered(other, task, Duration.ofSeconds(60), Duration.ofMillis(100));
            }
            assertThat(got.deliveryCount())
                    .as("delivered to a legacy slot first")
                    .hasValueSatisfying(delivery -> assertThat(delivery).isGreaterThanOrEqualTo((short) 2));
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            1,
                            Duration.ofSeconds(3),
                            e -> e.getRequestId().equals(task.getRequestId())
                                    && e.getType() == TaskEventType.DEAD_LETTERED))
                    .isEmpty();
            assertThat(worker.requestIds()).doesNotContain(task.getRequestId());
        }
    }

    @Test
    void aTaskNoConnectedWorkerCanRunIsDeadLetteredOnItsLastDeliveryInsteadOfVanishing() throws Exception {
        // given the fleet's only member: a legacy worker that runs delete_asset only
        try (FakeLegacyWorker worker =
                FakeLegacyWorker.connect(url(), Mode.SUCCEED, FakeLegacyWorker.registerFor("delete_asset"))) {
            // when an upload_asset task reaches it, delivery after delivery
            TaskRequested task = Tasks.uploadAsset("LIC-" + UUID.randomUUID(), 61, "0".repeat(32), "mp4", 10);
            KafkaProbe.dispatch(List.of(task));

            // then it ends, dead-lettered with a terminal event, never handed to the worker
            List<TaskEvent> ended = KafkaProbe.values(
                    Topics.TASK_EVENTS,
                    1,
                    Duration.ofSeconds(90),
                    e -> e.getRequestId().equals(task.getRequestId()) && e.getType() == TaskEventType.DEAD_LETTERED);
            assertThat(ended).hasSize(1);
            List<DeadLetter> letters = KafkaProbe.values(
                    Topics.DEAD_LETTERS,
                    1,
                    Duration.ofSeconds(10),
                    l -> l.getTask().getRequestId().equals(task.getRequestId()));
            assertThat(letters)
                    .singleElement()
                    .satisfies(l -> assertThat(l.getLastError()).contains("cannot take it now"));
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> !worker.requestIds().contains(task.getRequestId()));
        }
    }

    /**
     * Polls {@code member} until it is offered {@code task}'s record, which it accepts; any other record (an earlier
     * test's) is released untouched.
     */
    private static ConsumerRecord<byte[], byte[]> awaitOffered(
            ShareConsumer<byte[], byte[]> member, TaskRequested task, Duration within, Duration every) {
        AtomicReference<ConsumerRecord<byte[], byte[]>> got = new AtomicReference<>();
        await("the task reaches the other member")
                .pollInSameThread()
                .atMost(within)
                .pollDelay(Duration.ZERO)
                .pollInterval(every)
                .until(() -> {
                    for (ConsumerRecord<byte[], byte[]> r : member.poll(Duration.ofMillis(100))) {
                        boolean ours = task.getRequestId().equals(new String(r.key(), StandardCharsets.UTF_8));
                        member.acknowledge(r, ours ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE);
                        if (ours) {
                            got.set(r);
                        }
                    }
                    member.commitSync();
                    return got.get() != null;
                });
        return got.get();
    }
}
