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
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
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
