package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.Gateways;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.gateway.support.Tasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.OpenTransaction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A bridged legacy slot consults the fleet's task ledger before it hands a task over, exactly as a native slot does: a
 * delivery of a task that already has an outcome in {@code dsp.task-events} is acknowledged and never reaches a legacy
 * worker (which cannot be asked whether it ran it).
 */
class LegacySlotLedgerIT {

    /** Ended on a native worker before the gateway started: only what the gateway read at start can know it. */
    static final TaskRequested ENDED_BEFORE_START = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 51);

    static ConfigurableApplicationContext gateway;

    @BeforeAll
    static void recordAnOutcomeThenStartAGateway() throws Exception {
        succeededOnANativeWorker(ENDED_BEFORE_START);
        gateway = Gateways.start("gw-ledger-", Map.of());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aRedeliveredTaskThatEndedBeforeTheGatewayStartedIsAcknowledgedAndNeverHandedToALegacyWorker()
            throws Exception {
        RecordMetadata dispatched;
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
            dispatched = dispatch(ENDED_BEFORE_START);
            TaskRequested marker = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 52);
            dispatch(marker);

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> worker.requestIds().contains(marker.getRequestId()));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> !worker.requestIds().contains(ENDED_BEFORE_START.getRequestId()));
        }
        assertAcknowledged(dispatched);
        assertThat(startedEvents(ENDED_BEFORE_START)).isZero();
    }

    @Test
    void aTaskAnotherWorkerFinishedAMomentBeforeItsRedeliveryIsNeverHandedToALegacyWorker() throws Exception {
        TaskRequested task = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 53);
        RecordMetadata dispatched;
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
            // The outcome is in Kafka before the delivery: the slot's look at the ledger must see it, whatever its
            // view had read by then.
            succeededOnANativeWorker(task);
            dispatched = dispatch(task);
            TaskRequested marker = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 54);
            dispatch(marker);

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> worker.requestIds().contains(marker.getRequestId()));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> !worker.requestIds().contains(task.getRequestId()));
        }
        assertAcknowledged(dispatched);
        assertThat(startedEvents(task)).isZero();
    }

    @Test
    void aCopyOfATaskThisGatewayJustEndedIsNotHandedOverAgainWhileAnOpenTransactionHidesItsOutcome() throws Exception {
        TaskRequested task = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 57);
        // A transaction left open on the task's partition of the events (a broker restart leaves such ones): the
        // ledger reads committed records only, so it sees nothing written there after it until it ends.
        try (OpenTransaction open = OpenTransaction.on(
                        Topics.TASK_EVENTS,
                        task.getRequestId(),
                        TaskEvents.about(task, TaskEventType.PROGRESS, "test", Instant.now())
                                .build());
                FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
            // the worker runs it, and the gateway records SUCCEEDED behind the open transaction
            double skippedBefore = skippedOnTheGatewaysRecord();
            dispatch(task);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> worker.requestIds().contains(task.getRequestId()));
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            1,
                            Duration.ofSeconds(30),
                            e -> e.getRequestId().equals(task.getRequestId())
                                    && e.getType() == TaskEventType.SUCCEEDED))
                    .hasSize(1);

            // when a copy of it reaches the same worker (a broker restart resets its delivery count to 1)
            RecordMetadata copy = dispatch(task);
            TaskRequested marker = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 58);
            dispatch(marker);

            // then it is acknowledged on the gateway's own record, and the worker never gets it a second time
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> worker.requestIds().contains(marker.getRequestId()));
            // (the copy and the marker may be taken by different slots)
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> assertThat(skippedOnTheGatewaysRecord()).isEqualTo(skippedBefore + 1));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> worker.requestIds().stream()
                                    .filter(task.getRequestId()::equals)
                                    .count()
                            == 1);
            assertAcknowledged(copy);
        }
    }

    @Test
    void aCopyOfATaskThatAnotherSlotOfTheSameWorkerHoldsWaitsForItAndEndsOnItsOutcome() throws Exception {
        TaskRequested task = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 59);
        RecordMetadata first;
        RecordMetadata copy;
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
            // given the worker runs the task (a long one) on one of its slots
            worker.hold(task.getRequestId());
            double skippedBefore = skipped();
            first = dispatch(task);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> worker.requestIds().contains(task.getRequestId()));

            // when a copy reaches another slot of the same worker meanwhile (a broker restart hands a record on while
            // its holder still has it; the ledger then shows this very worker's attempt open, which it does not wait
            // for): the worker's presence names the task twice, once per slot
            copy = dispatch(task);
            assertThat(KafkaProbe.values(
                            Topics.WORKERS,
                            1,
                            Duration.ofSeconds(60),
                            p -> p.getHeld() != null
                                    && p.getHeld().stream()
                                                    .filter(task.getRequestId()::equals)
                                                    .count()
                                            == 2))
                    .isNotEmpty();

            // then the copy is not handed over while the first runs
            assertThat(worker.requestIds()).containsOnlyOnce(task.getRequestId());

            // and once the worker answers, the copy ends on the outcome the first slot recorded (known to the gateway's
            // record or already to its ledger), never run again
            worker.succeed(task.getRequestId());
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(skipped()).isEqualTo(skippedBefore + 1));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(worker.requestIds()).containsOnlyOnce(task.getRequestId()));
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            1,
                            Duration.ofSeconds(10),
                            e -> e.getRequestId().equals(task.getRequestId())
                                    && e.getType() == TaskEventType.SUCCEEDED))
                    .hasSize(1);
        }
        assertAcknowledged(first, copy);
    }

    @Test
    void aTaskWhoseLatestDeathRanAloneIsQuarantinedNotHandedToALegacyWorker() throws Exception {
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.SUCCEED)) {
            // given a task two workers started and never ended (each went away with it), the second running it alone;
            // a synthesis, since a delete or upload delivered again is done over the GPU's HTTP API, with no worker to
            // kill (ADR 037)
            TaskRequested task = Tasks.heyGemSubmit("LIC-" + UUID.randomUUID(), "a".repeat(32), "b".repeat(32));
            startedOn(task, "gpu-gone-1", 1, false);
            startedOn(task, "gpu-gone-2", 2, true);

            // when it is delivered again
            dispatch(task);
            TaskRequested marker = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 56);
            dispatch(marker);

            // then, after the wait for the last open attempt (10 s), it is dead-lettered as a task that kills
            // workers, and never reaches the legacy worker
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> worker.requestIds().contains(marker.getRequestId()));
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            1,
                            Duration.ofSeconds(45),
                            e -> e.getRequestId().equals(task.getRequestId())
                                    && e.getType() == TaskEventType.DEAD_LETTERED))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getError().getCode()).isEqualTo("KILLS_WORKERS"));
            assertThat(worker.requestIds()).doesNotContain(task.getRequestId());
        }
    }

    @Test
    void aSuspectWhoseDeathsHadCompanyRunsAloneOnTheLegacyWorkerAfterItsRunningTaskAndTheOthersWaitForIt()
            throws Exception {
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(
                url(), Mode.SUCCEED, FakeLegacyWorker.registerFor("delete_asset", "face_swap"))) {
            // given the worker (3 slots) runs a task
            TaskRequested running = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 60);
            worker.hold(running.getRequestId());
            dispatch(running);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> worker.requestIds().contains(running.getRequestId()));

            // and a task two workers started and never ended, each time beside other tasks (ADR 038: any of them may
            // have killed the worker); of a type that only a worker can do (a delete or upload is done over the GPU's
            // HTTP API first, with no worker to kill, and does not run alone)
            TaskRequested suspect = Tasks.generic("LIC-" + UUID.randomUUID(), "face_swap", "{\"face\":\"f1\"}");
            startedOn(suspect, "gpu-busy-1", 1, false);
            startedOn(suspect, "gpu-busy-2", 2, false);
            worker.hold(suspect.getRequestId());
            double runAloneBefore = runAlone();

            // when it is delivered to the worker: past the wait for the last open attempt (10 s), it is not handed
            // over while the other task runs there
            dispatch(suspect);
            await().during(Duration.ofSeconds(13))
                    .atMost(Duration.ofSeconds(14))
                    .until(() -> !worker.requestIds().contains(suspect.getRequestId()));

            // then once that task ends, it is handed over, started alone
            worker.succeed(running.getRequestId());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.requestIds().contains(suspect.getRequestId()));
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            2,
                            Duration.ofSeconds(5),
                            e -> e.getRequestId().equals(suspect.getRequestId())
                                    && e.getType() == TaskEventType.STARTED
                                    && !e.getWorkerId().startsWith("gpu-busy-")))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getRanAlone()).isTrue());
            assertThat(runAlone()).isEqualTo(runAloneBefore + 1);

            // and while it runs, the worker's other slots are out of the share group: a task released meanwhile waits
            // in the group, not at this worker
            String slotsOfThisGateway = gateway.getEnvironment().getRequiredProperty("dsp.gateway.node-id") + "-";
            await().atMost(Duration.ofSeconds(30)).until(() -> KafkaProbe.legacySlotMembers(slotsOfThisGateway) == 1);
            TaskRequested neighbour = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 57);
            dispatch(neighbour);
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> !worker.requestIds().contains(neighbour.getRequestId()));

            // until the suspect's run ends: it succeeds, and the neighbour runs after it
            worker.succeed(suspect.getRequestId());
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> worker.requestIds().contains(neighbour.getRequestId()));
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            2,
                            Duration.ofSeconds(5),
                            e -> e.getRequestId().equals(suspect.getRequestId())
                                    && e.getType() != TaskEventType.STARTED
                                    && e.getType() != TaskEventType.PROGRESS))
                    .extracting(TaskEvent::getType)
                    .containsExactly(TaskEventType.SUCCEEDED);
        }
    }

    @Test
    void aSuspectsRunAloneCutShortByItsGatewayStoppingIsNoDeathAndTheNextWorkerRunsItAloneAgain() throws Exception {
        // given a suspect (two deaths beside other tasks) that a legacy worker runs alone behind a gateway
        String register = FakeLegacyWorker.registerFor("face_swap");
        TaskRequested suspect = Tasks.generic("LIC-" + UUID.randomUUID(), "face_swap", "{\"face\":\"f3\"}");
        startedOn(suspect, "gpu-busy-5", 1, false);
        startedOn(suspect, "gpu-busy-6", 2, false);
        Map<String, Object> quick = Map.of("dsp.gateway.open-attempt-wait", "1s", "dsp.gateway.shutdown-timeout", "1s");
        ConfigurableApplicationContext stopping = Gateways.start("gw-stopping-", quick);
        try (FakeLegacyWorker first = FakeLegacyWorker.connect(Gateways.url(stopping), Mode.SUCCEED, register)) {
            first.hold(suspect.getRequestId());
            dispatch(suspect);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> first.requestIds().contains(suspect.getRequestId()));

            // when that gateway stops while the worker still runs it (the worker may finish it: nothing died)
            stopping.close();
        }

        // then the gateway said it let go of the attempt
        assertThat(KafkaProbe.values(
                        Topics.TASK_EVENTS,
                        1,
                        Duration.ofSeconds(10),
                        e -> e.getRequestId().equals(suspect.getRequestId())
                                && e.getError() != null
                                && TaskEvents.LET_GO.equals(e.getError().getCode())))
                .singleElement()
                .satisfies(e -> assertThat(e.getProgress())
                        .as("nothing new for clients")
                        .isNull());

        // and the next legacy worker runs it alone again, where the count of deaths alone would quarantine it
        ConfigurableApplicationContext next = Gateways.start("gw-next-", quick);
        try (FakeLegacyWorker second = FakeLegacyWorker.connect(Gateways.url(next), Mode.SUCCEED, register)) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> second.requestIds().contains(suspect.getRequestId()));
            List<TaskEvent> events = KafkaProbe.values(
                    Topics.TASK_EVENTS,
                    20,
                    Duration.ofSeconds(5),
                    e -> e.getRequestId().equals(suspect.getRequestId()));
            assertThat(events)
                    .filteredOn(e -> e.getType() == TaskEventType.STARTED
                            && !e.getWorkerId().startsWith("gpu-busy-"))
                    .hasSize(2)
                    .allSatisfy(e -> assertThat(e.getRanAlone()).isTrue());
            assertThat(events).extracting(TaskEvent::getType).doesNotContain(TaskEventType.DEAD_LETTERED);
        } finally {
            next.close();
        }
    }

    @Test
    void aSuspectCancelledWhileItWaitsForItsTurnEndsCancelledWithoutReachingTheWorker() throws Exception {
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(
                url(), Mode.SUCCEED, FakeLegacyWorker.registerFor("delete_asset", "face_swap"))) {
            // given the worker runs a long task, and a suspect (two shared deaths) waits behind it for its turn alone
            TaskRequested running = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 61);
            worker.hold(running.getRequestId());
            dispatch(running);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> worker.requestIds().contains(running.getRequestId()));
            String license = "LIC-" + UUID.randomUUID();
            TaskRequested suspect = Tasks.generic(license, "face_swap", "{\"face\":\"f4\"}");
            startedOn(suspect, "gpu-busy-3", 1, false);
            startedOn(suspect, "gpu-busy-4", 2, false);
            dispatch(suspect);
            await().during(Duration.ofSeconds(12))
                    .atMost(Duration.ofSeconds(13))
                    .until(() -> !worker.requestIds().contains(suspect.getRequestId()));

            // when its license cancels it
            KafkaProbe.cancel(suspect.getRequestId(), license);

            // then it ends CANCELLED while the other task still runs, never handed over and never started
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            1,
                            Duration.ofSeconds(30),
                            e -> e.getRequestId().equals(suspect.getRequestId())
                                    && e.getType() == TaskEventType.CANCELLED))
                    .singleElement();
            assertThat(worker.requestIds()).doesNotContain(suspect.getRequestId());
            assertThat(KafkaProbe.values(
                            Topics.TASK_EVENTS,
                            1,
                            Duration.ofSeconds(2),
                            e -> e.getRequestId().equals(suspect.getRequestId())
                                    && e.getType() == TaskEventType.STARTED
                                    && !e.getWorkerId().startsWith("gpu-busy-")))
                    .isEmpty();
            worker.succeed(running.getRequestId());
        }
    }

    @Test
    void theViewsAndTheLedgerEachReportTheirHealth() {
        // DOWN while stalled (core's views), so a gateway whose feed stopped is taken out of service.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(gateway.getBeansOfType(HealthIndicator.class))
                        .containsKeys(
                                "stateViewHealthIndicator", "liveViewHealthIndicator", "taskLedgerHealthIndicator")
                        .allSatisfy((name, indicator) ->
                                assertThat(indicator.health().getStatus()).isEqualTo(Status.UP)));
    }

    static double skippedOnTheGatewaysRecord() {
        Counter counter = gateway.getBean(MeterRegistry.class)
                .find(MetricNames.LEGACY_ENDED_SKIPPED)
                .tag(MetricNames.TAG_SEEN_IN, "recorder")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    /** Suspects handed to their legacy worker alone (ADR 038). */
    static double runAlone() {
        Counter counter = gateway.getBean(MeterRegistry.class)
                .find(MetricNames.SUSPECTS_RUN_ALONE)
                .tag(MetricNames.TAG_SOURCE, "gateway")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    /** Deliveries a legacy slot acknowledged without a hand-over because their task had ended, however it knew. */
    static double skipped() {
        return gateway.getBean(MeterRegistry.class).find(MetricNames.LEGACY_ENDED_SKIPPED).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    static String url() {
        return Gateways.url(gateway);
    }

    static void succeededOnANativeWorker(TaskRequested task) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(Topics.TASK_EVENTS.record(
                            task.getRequestId(),
                            TaskEvents.about(task, TaskEventType.SUCCEEDED, "gpu-consumer", Instant.now())
                                    .setWorkerId("gpu-native-1")
                                    .setResultJson("{}")
                                    .build()))
                    .get();
        }
    }

    static void startedOn(TaskRequested task, String workerId, int delivery) throws Exception {
        startedOn(task, workerId, delivery, false);
    }

    /** @param alone whether the worker ran nothing else beside it ({@code TaskEvent.ranAlone}, ADR 038) */
    static void startedOn(TaskRequested task, String workerId, int delivery, boolean alone) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(Topics.TASK_EVENTS.record(
                            task.getRequestId(),
                            TaskEvents.about(task, TaskEventType.STARTED, "gpu-consumer", Instant.now())
                                    .setWorkerId(workerId)
                                    .setDeliveryCount(delivery)
                                    .setRanAlone(alone ? Boolean.TRUE : null)
                                    .build()))
                    .get();
        }
    }

    static RecordMetadata dispatch(TaskRequested task) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            return producer.send(Topics.DISPATCH.record(task.getRequestId(), task))
                    .get();
        }
    }

    /**
     * The records were acknowledged, not released for another delivery: once the legacy worker (and with it the slots)
     * is gone, another member of the fleet's share group is never offered any of them (one watch for all). Records earlier tests left in the topic
     * are taken and accepted along the way; the share group's start offset is not used, as one of them still locked
     * elsewhere would hold it below this record (seen in CI).
     */
    static void assertAcknowledged(RecordMetadata... dispatched) {
        List<Long> offeredAgain = new ArrayList<>();
        try (ShareConsumer<byte[], byte[]> member = KafkaProbe.gpuFleetMember()) {
            await().pollInSameThread()
                    .during(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> offered : member.poll(Duration.ofMillis(200))) {
                            member.acknowledge(offered, AcknowledgeType.ACCEPT);
                            for (RecordMetadata record : dispatched) {
                                if (offered.partition() == record.partition() && offered.offset() == record.offset()) {
                                    offeredAgain.add(offered.offset());
                                }
                            }
                        }
                        member.commitSync();
                        return offeredAgain.isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            // reported below with the offset
        }
        assertThat(offeredAgain)
                .as("offered again after the slot saw its outcome")
                .isEmpty();
    }

    /** STARTED events of a task: a slot that handed it to a worker would have written one. */
    static int startedEvents(TaskRequested task) {
        return KafkaProbe.values(
                        Topics.TASK_EVENTS,
                        1,
                        Duration.ofSeconds(3),
                        e -> e.getRequestId().equals(task.getRequestId()) && e.getType() == TaskEventType.STARTED)
                .size();
    }

    static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }
}
