package io.dsp.core.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.core.CoreBroker;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/** Sending a submission against a real in-JVM KRaft broker that creates no topic by itself. */
@CoreBroker
class TaskSubmissionIT {

    private static String bootstrap;
    private static Admin admin;
    private static DefaultKafkaProducerFactory<byte[], byte[]> producers;
    private static KafkaTemplate<byte[], byte[]> kafka;
    private static TopicProvisioner topics;

    @BeforeAll
    static void connect(EmbeddedKafkaBroker broker) {
        bootstrap = broker.getBrokersAsString();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        topics = new TopicProvisioner(admin, (short) -1);
        topics.ensureSharedTopicsAndGroups();
        producers = new DefaultKafkaProducerFactory<>(producerConfig(bootstrap));
        kafka = new KafkaTemplate<>(producers);
    }

    @AfterAll
    static void disconnect() {
        producers.destroy();
        admin.close();
    }

    @Test
    void aHighPriorityTaskCreatesOnlyItsHighTopicAndIsThereWhenSendReturns() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        TaskRequested task = task(license, Priority.HIGH);
        TraceContext trace = TraceContext.start();

        TaskSubmission.accepted(task, "asset-api", Instant.now(), true, trace)
                .send(topics, kafka, Duration.ofSeconds(20));

        assertThat(admin.listTopics().names().get())
                .contains(TenantTopics.topicName(license, Priority.HIGH))
                .doesNotContain(TenantTopics.topicName(license));
        List<ConsumerRecord<byte[], byte[]>> written = readAll(TenantTopics.topicName(license, Priority.HIGH));
        assertThat(written).singleElement().satisfies(r -> {
            assertThat(TenantTopics.decode(r)).isEqualTo(task);
            assertThat(TraceContext.fromHeaders(r.headers())).contains(trace);
        });
        assertThat(readAll(Topics.TASK_EVENTS.name()).stream()
                        .map(Topics.TASK_EVENTS::value)
                        .filter(e -> e.getRequestId().equals(task.getRequestId())))
                .hasSize(2);
    }

    @Test
    void aTaskThatKafkaCannotTakeFailsWithAKafkaException() {
        DefaultKafkaProducerFactory<byte[], byte[]> unreachable =
                new DefaultKafkaProducerFactory<>(producerConfig("127.0.0.1:1"));
        TaskSubmission submission = TaskSubmission.accepted(
                task("LIC-" + UUID.randomUUID(), Priority.NORMAL),
                "gateway",
                Instant.now(),
                false,
                TraceContext.start());
        try {
            assertThatThrownBy(() -> submission.send(topics, new KafkaTemplate<>(unreachable), Duration.ofSeconds(5)))
                    .isInstanceOf(KafkaException.class);
        } finally {
            unreachable.destroy();
        }
    }

    @Test
    void aTaskAnEdgeRefusesAtItsDeadlineIsNeverSeenByReadersOfCommittedRecords() throws Exception {
        // given an edge's transactional intake, and a deadline no broker meets
        String license = "LIC-" + UUID.randomUUID();
        TaskRequested task = task(license, Priority.NORMAL);
        IntakeProducer intake = new IntakeProducer(producers, "dsp-test-intake-", "node-1", Duration.ofSeconds(10));
        try {
            TaskSubmission submission =
                    TaskSubmission.accepted(task, "asset-api", Instant.now(), true, TraceContext.start());

            // when the edge gives up waiting (it would answer "failed")
            assertThatThrownBy(() -> intake.send(submission, topics, Duration.ofNanos(1)))
                    .isInstanceOf(KafkaException.class)
                    .isNotInstanceOf(TaskSubmission.Unconfirmed.class);

            // then the dispatcher, the read models and the ledger (all read committed records) never see the task
            assertThat(readCommitted(TenantTopics.topicName(license))).isEmpty();
            assertThat(readCommitted(Topics.TASK_EVENTS.name()).stream()
                            .map(Topics.TASK_EVENTS::value)
                            .filter(e -> e.getRequestId().equals(task.getRequestId())))
                    .isEmpty();
        } finally {
            intake.destroy();
        }
    }

    @Test
    void aTaskSentInAnIntakeTransactionIsCommittedWhenSendReturns() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        TaskRequested task = task(license, Priority.NORMAL);
        IntakeProducer intake = new IntakeProducer(producers, "dsp-test-intake-", "node-1", Duration.ofSeconds(10));
        try {
            intake.send(
                    TaskSubmission.accepted(task, "gateway", Instant.now(), false, TraceContext.start()),
                    topics,
                    Duration.ofSeconds(20));

            assertThat(readCommitted(TenantTopics.topicName(license)))
                    .singleElement()
                    .satisfies(r -> assertThat(TenantTopics.decode(r)).isEqualTo(task));
        } finally {
            intake.destroy();
        }
    }

    @Test
    void submissionsInFlightTogetherShareTransactionsAndEachIsCommittedWhenItsSendReturns() throws Exception {
        // given one committer, so that concurrent submissions can only go out in shared transactions
        String license = "LIC-" + UUID.randomUUID();
        IntakeProducer intake =
                new IntakeProducer(producers, "dsp-test-intake-", "node-1", Duration.ofSeconds(10), 1, 64);
        int callers = 24;
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        try {
            List<TaskRequested> tasks = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                tasks.add(task(license, Priority.NORMAL));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> sends = new ArrayList<>();
            for (TaskRequested task : tasks) {
                sends.add(threads.submit(() -> {
                    go.await();
                    intake.send(
                            TaskSubmission.accepted(task, "asset-api", Instant.now(), true, TraceContext.start()),
                            topics,
                            Duration.ofSeconds(20));
                    return null;
                }));
            }

            // when they are sent all at once
            go.countDown();
            for (Future<?> send : sends) {
                send.get(60, TimeUnit.SECONDS);
            }

            // then every one is committed, in fewer transactions than tasks
            assertThat(readCommitted(TenantTopics.topicName(license)))
                    .extracting(r -> TenantTopics.decode(r).getRequestId())
                    .containsExactlyInAnyOrderElementsOf(
                            tasks.stream().map(TaskRequested::getRequestId).toList());
            assertThat(intake.committedTransactions()).isBetween(1L, (long) callers - 1);
        } finally {
            threads.shutdownNow();
            intake.destroy();
        }
    }

    // the ordinary sends still in flight when the transaction aborts fail in some rounds only; the producer fails their
    // unsent batches with the culprit's own error (2 of 40 rounds failed when the culprit was told by its error)
    @RepeatedTest(10)
    void aRecordKafkaRefusesForItselfFailsOnlyItsOwnSubmissionNotTheOnesSharingItsTransaction() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        IntakeProducer intake =
                new IntakeProducer(producers, "dsp-test-intake-", "node-1", Duration.ofSeconds(10), 1, 64);
        ExecutorService threads = Executors.newFixedThreadPool(9);
        try {
            // a payload over the producer's 1 MiB request limit, among eight ordinary tasks sent at the same moment
            TaskRequested tooLarge = TaskSubmission.task(
                    "req-" + UUID.randomUUID(),
                    license,
                    "delete_asset",
                    new DeleteAssetPayload(1L, "x".repeat(1_200_000), null),
                    Priority.NORMAL,
                    new TaskOrigin(TaskChannel.HTTP, "asset-api-1", null, "pc"),
                    Instant.now());
            List<TaskRequested> ordinary = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ordinary.add(task(license, Priority.NORMAL));
            }
            CountDownLatch go = new CountDownLatch(1);
            Future<?> large = threads.submit(() -> {
                go.await();
                send(intake, tooLarge);
                return null;
            });
            List<Future<?>> others = new ArrayList<>();
            for (TaskRequested task : ordinary) {
                others.add(threads.submit(() -> {
                    go.await();
                    send(intake, task);
                    return null;
                }));
            }

            go.countDown();

            assertThatThrownBy(() -> large.get(60, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(KafkaException.class)
                    .cause()
                    .isNotInstanceOf(TaskSubmission.Unconfirmed.class);
            for (Future<?> other : others) {
                other.get(60, TimeUnit.SECONDS);
            }
            assertThat(readCommitted(TenantTopics.topicName(license)))
                    .extracting(r -> TenantTopics.decode(r).getRequestId())
                    .containsExactlyInAnyOrderElementsOf(
                            ordinary.stream().map(TaskRequested::getRequestId).toList());
        } finally {
            threads.shutdownNow();
            intake.destroy();
        }
    }

    private static void send(IntakeProducer intake, TaskRequested task) {
        intake.send(
                TaskSubmission.accepted(task, "asset-api", Instant.now(), true, TraceContext.start()),
                topics,
                Duration.ofSeconds(20));
    }

    /** Bytes both ways; a send waits at most 2 s for the broker's metadata. */
    private static Map<String, Object> producerConfig(String servers) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                2_000);
    }

    private static TaskRequested task(String license, Priority priority) {
        return TaskSubmission.task(
                "req-" + UUID.randomUUID(),
                license,
                "delete_asset",
                new DeleteAssetPayload(1L, null, null),
                priority,
                new TaskOrigin(TaskChannel.HTTP, "asset-api-1", null, "pc"),
                Instant.now());
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return read(topic, "read_uncommitted");
    }

    /**
     * As the dispatcher and every reader of tasks read: committed records only, once no transaction is open on the
     * topic (a commit's or abort's markers are written just after the producer's call returns).
     */
    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        try (KafkaConsumer<byte[], byte[]> committed = consumer("read_committed");
                KafkaConsumer<byte[], byte[]> all = consumer("read_uncommitted")) {
            var partitions = all.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
                    .toList();
            org.awaitility.Awaitility.await("no open transaction on " + topic)
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> committed.endOffsets(partitions).equals(all.endOffsets(partitions)));
        }
        return read(topic, "read_committed");
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String isolation) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolation,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, String isolation) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolation,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
