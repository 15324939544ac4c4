package io.dsp.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.core.CoreBroker;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.serde.WriterSchemas;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/**
 * A rolling upgrade against a real broker (ADR 027): a newer release writes outcomes with a TaskEvent schema this jar
 * does not know, and a worker of this release, whose ledger used to skip such records as undecodable (and so ran the
 * finished task again), reads them through the writer schema the newer release published to {@code dsp.schemas}.
 */
@CoreBroker
class NewerReleaseOutcomeIT {

    private static String bootstrap;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void connect(EmbeddedKafkaBroker broker) throws Exception {
        bootstrap = broker.getBrokersAsString();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (TopicSpec<?, ?> topic : List.of(Topics.TASK_EVENTS, Topics.SCHEMAS)) {
                try {
                    admin.createTopics(List.of(topic.newTopic((short) 1))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG,
                "all"));
    }

    @AfterAll
    static void disconnect() {
        producer.close(Duration.ofSeconds(5));
        WriterSchemas.disconnect();
    }

    @Test
    void aLedgerOfThisReleaseSeesTheOutcomeANewerReleaseWroteAndDoesNotRunTheTaskAgain() throws Exception {
        // given a newer release that published its TaskEvent schema and ended a task with it
        Schema newer = newerTaskEvent();
        producer.send(Topics.SCHEMAS.record(WriterSchemas.fingerprint(newer), newer.toString()))
                .get(30, TimeUnit.SECONDS);
        String requestId = "req-" + UUID.randomUUID();
        producer.send(event(newer, requestId, "STARTED")).get(30, TimeUnit.SECONDS);
        producer.send(event(newer, requestId, "SUCCEEDED")).get(30, TimeUnit.SECONDS);

        // when a service of this release starts as every service does, and its ledger reads the outcomes
        WriterSchemas.connect(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        KafkaTaskLedger ledger = new KafkaTaskLedger(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                Duration.ofHours(24),
                Duration.ofSeconds(30),
                true,
                Duration.ofSeconds(10),
                Clock.systemUTC(),
                new SimpleMeterRegistry(),
                0);
        try {
            ledger.start();

            // then the task is known as finished: a redelivery of it is acknowledged, not run
            PriorAttempts prior = ledger.priorAttempts(requestId);
            assertThat(prior.outcome()).isEqualTo(TaskEventType.SUCCEEDED);
            assertThat(prior.finished()).isTrue();
        } finally {
            ledger.stop();
        }
        // and this release published its own writer schemas for the readers of other releases
        assertThat(published()).containsAll(WriterSchemas.current().keySet());
    }

    /** Fingerprints on dsp.schemas. */
    private static List<Long> published() {
        Map<String, Object> config = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        List<Long> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            TopicPartition partition = new TopicPartition(Topics.SCHEMAS.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    out.add(Topics.SCHEMAS.key(record));
                }
            }
        }
        return out;
    }

    private static org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> event(
            Schema writer, String requestId, String type) throws Exception {
        GenericRecord record = new GenericData.Record(writer);
        for (Schema.Field field : writer.getFields()) {
            if (field.hasDefaultValue()) {
                record.put(field.pos(), GenericData.get().getDefaultValue(field));
            }
        }
        record.put("eventId", UUID.randomUUID().toString());
        record.put("requestId", requestId);
        record.put("licenseKey", "license");
        record.put("taskType", "delete_asset");
        record.put("type", new GenericData.EnumSymbol(writer.getField("type").schema(), type));
        record.put("at", Instant.now().toEpochMilli());
        record.put("source", "gpu-consumer");
        record.put("workerId", "w-newer");
        record.put("deliveryCount", 1);
        record.put("region", "eu-west");
        byte[] value = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer)
                .encode(record)
                .array();
        return new org.apache.kafka.clients.producer.ProducerRecord<>(
                Topics.TASK_EVENTS.name(),
                Topics.TASK_EVENTS.keySerde().serializer().serialize(null, requestId),
                value);
    }

    /** TaskEvent as a newer release writes it: one field more, and an event type more. */
    private static Schema newerTaskEvent() {
        Schema current = TaskEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : current.getFields()) {
            Schema type = field.schema();
            if (field.name().equals("type")) {
                List<String> symbols = new ArrayList<>(type.getEnumSymbols());
                symbols.add("PREEMPTED");
                type = Schema.createEnum(
                        type.getName(), type.getDoc(), type.getNamespace(), symbols, type.getEnumDefault());
            }
            fields.add(new Schema.Field(field, type));
        }
        fields.add(new Schema.Field("region", Schema.create(Schema.Type.STRING), null, ""));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }
}
