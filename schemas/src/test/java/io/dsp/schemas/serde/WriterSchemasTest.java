package io.dsp.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A reader of an older release decodes what a newer release wrote, through the schemas it published (ADR 027). */
class WriterSchemasTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    /** TaskEvent as a newer release writes it: one field more, and a new event type. */
    static final Schema NEWER = newerTaskEvent();

    private final PublishedSchemas published = new PublishedSchemas();

    @AfterEach
    void forgetWhatWasLearnt() {
        WriterSchemas.disconnect();
        WriterSchemas.forget();
    }

    @Test
    void aRecordOfANewerReleaseCannotBeDecodedWhileItsSchemaIsUnpublished() {
        WriterSchemas.use(published);

        assertThatThrownBy(() -> AvroSerde.of(TaskEvent.class).decode(written(NEWER, "SUCCEEDED")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("TaskEvent");
    }

    @Test
    void aRecordOfANewerReleaseIsDecodedOnceItsSchemaIsPublishedWithTheFieldsThisReleaseKnows() {
        WriterSchemas.use(published);
        published.add(NEWER);

        TaskEvent event = AvroSerde.of(TaskEvent.class).decode(written(NEWER, "SUCCEEDED"));

        assertThat(event.getRequestId()).isEqualTo("r1");
        assertThat(event.getType()).isEqualTo(TaskEventType.SUCCEEDED);
        assertThat(event.getAt()).isEqualTo(NOW);
    }

    @Test
    void anEventTypeThisReleaseDoesNotKnowIsReadAsItsDefaultNotAsAnError() {
        WriterSchemas.use(published);
        published.add(NEWER);

        TaskEvent event = AvroSerde.of(TaskEvent.class).decode(written(NEWER, "PREEMPTED"));

        assertThat(event.getType()).isEqualTo(TaskEventType.UNKNOWN);
    }

    @Test
    void withoutTheTopicOnlyTheSchemasInTheJarAreKnown() {
        published.add(NEWER); // never used

        assertThatThrownBy(() -> AvroSerde.of(TaskEvent.class).decode(written(NEWER, "SUCCEEDED")))
                .isInstanceOf(SerializationException.class);
        assertThat(published.lookups.get()).isZero();
    }

    @Test
    void aSchemaPublishedUnderAnotherFingerprintIsIgnored() {
        WriterSchemas.use(published);
        published.schemas.put(
                WriterSchemas.fingerprint(NEWER), TaskEvent.getClassSchema().toString());

        assertThatThrownBy(() -> AvroSerde.of(TaskEvent.class).decode(written(NEWER, "SUCCEEDED")))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void anUnknownFingerprintIsLookedUpOnceInItsBackoffNotOncePerRecord() {
        WriterSchemas.use(published);
        AvroSerde<TaskEvent> serde = AvroSerde.of(TaskEvent.class);
        byte[] bytes = written(NEWER, "SUCCEEDED");

        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> serde.decode(bytes)).isInstanceOf(SerializationException.class);
        }

        assertThat(published.lookups.get()).isEqualTo(1);
    }

    @Test
    void thisReleasePublishesTheCurrentSchemaOfEveryRecordTypeItWrites() {
        assertThat(WriterSchemas.current().values())
                .extracting(Schema::getName)
                .contains(
                        "TaskRequested",
                        "TaskEvent",
                        "WorkerPresence",
                        "DeadLetter",
                        "License",
                        "TaskControl",
                        "WorkerCommand",
                        "RelayFrame");
        WriterSchemas.current()
                .forEach((fingerprint, schema) ->
                        assertThat(WriterSchemas.fingerprint(schema)).isEqualTo(fingerprint));
    }

    private static byte[] written(Schema writer, String type) {
        GenericRecord record = new GenericData.Record(writer);
        record.put("eventId", "e1");
        record.put("requestId", "r1");
        record.put("licenseKey", "k");
        record.put("taskType", "delete_asset");
        record.put("type", new GenericData.EnumSymbol(writer.getField("type").schema(), type));
        record.put("at", NOW.toEpochMilli());
        record.put("source", "gpu-consumer");
        record.put("region", "eu-west");
        for (Schema.Field field : writer.getFields()) {
            if (record.get(field.pos()) == null && field.hasDefaultValue()) {
                record.put(field.pos(), GenericData.get().getDefaultValue(field));
            }
        }
        try {
            return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer)
                    .encode(record)
                    .array();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

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

    /** dsp.schemas as a map, counting the look-ups. */
    static final class PublishedSchemas implements WriterSchemas.Source {
        final Map<Long, String> schemas = new ConcurrentHashMap<>();
        final AtomicInteger lookups = new AtomicInteger();

        void add(Schema schema) {
            schemas.put(WriterSchemas.fingerprint(schema), schema.toString());
        }

        @Override
        public Map<Long, String> catchUp(Duration within) {
            lookups.incrementAndGet();
            return Map.copyOf(schemas);
        }

        @Override
        public void close() {}
    }
}
