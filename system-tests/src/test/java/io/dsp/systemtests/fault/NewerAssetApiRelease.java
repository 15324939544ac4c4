package io.dsp.systemtests.fault;

import io.dsp.core.intake.TaskSubmission;
import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.serde.WriterSchemas;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A newer asset-api release in a rolling upgrade, as the fleet's older services meet it: it publishes its writer
 * schemas to {@code dsp.schemas} at start (ADR 027), then accepts tasks as asset-api does (the task on its license's
 * topic and {@code ACCEPTED}, in one transaction), each written with its schemas: {@code TaskRequested} and
 * {@code TaskEvent} with a field more ({@value #NEW_FIELD}) than this release knows.
 */
final class NewerAssetApiRelease implements AutoCloseable {

    /** The field the newer release added to both records (a string with a default, a compatible change). */
    static final String NEW_FIELD = "region";

    private final Schema newerTask = withNewField(TaskRequested.getClassSchema());
    private final Schema newerEvent = withNewField(TaskEvent.getClassSchema());
    private final KafkaProducer<byte[], byte[]> producer;

    NewerAssetApiRelease(String bootstrapServers) throws Exception {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "fault-newer-asset-api-" + UUID.randomUUID(),
                ProducerConfig.ACKS_CONFIG,
                "all"));
        try {
            producer.initTransactions();
            // published before its first record, as every release does at start
            producer.beginTransaction();
            for (Schema schema : List.of(newerTask, newerEvent)) {
                producer.send(Topics.SCHEMAS.record(WriterSchemas.fingerprint(schema), schema.toString()));
            }
            producer.commitTransaction();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    /** Accepts {@code count} tasks of {@code taskType} for {@code license}, each in its own transaction. */
    List<String> accept(String license, String taskType, int count) throws IOException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String requestId = "task_newer_" + UUID.randomUUID().toString().replace("-", "");
            Instant now = Instant.now();
            TaskRequested task = TaskSubmission.task(
                    requestId,
                    license,
                    taskType,
                    new GenericPayload("{}"),
                    Priority.NORMAL,
                    new TaskOrigin(TaskChannel.HTTP, "asset-api-next", null, "pc"),
                    now);
            TaskSubmission submission = TaskSubmission.accepted(task, "asset-api", now, false, TraceContext.start());
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> record : submission.records()) {
                boolean event = record.topic().equals(Topics.TASK_EVENTS.name());
                producer.send(new ProducerRecord<>(
                        record.topic(),
                        record.partition(),
                        record.key(),
                        event
                                ? rewrite(record.value(), TaskEvent.getClassSchema(), newerEvent)
                                : rewrite(record.value(), TaskRequested.getClassSchema(), newerTask),
                        record.headers()));
            }
            producer.commitTransaction();
            ids.add(requestId);
        }
        return ids;
    }

    /** The same record as the newer release writes it: its schema's fingerprint, and the new field set. */
    private static byte[] rewrite(byte[] current, Schema currentSchema, Schema newer) throws IOException {
        BinaryMessageDecoder<GenericRecord> decoder = new BinaryMessageDecoder<>(GenericData.get(), newer);
        decoder.addSchema(currentSchema);
        GenericRecord record = decoder.decode(current);
        record.put(NEW_FIELD, "eu-west");
        return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer)
                .encode(record)
                .array();
    }

    private static Schema withNewField(Schema current) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : current.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(new Schema.Field(NEW_FIELD, Schema.create(Schema.Type.STRING), null, ""));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
