package io.dsp.kafkauiserde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.serde.AvroSerde;
import io.dsp.schemas.serde.SchemaHistory;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.kafbat.ui.serde.api.DeserializeResult;
import io.kafbat.ui.serde.api.Serde.Target;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DspSerdeTest {

    private final DspSerde serde = new DspSerde();

    @Test
    void everySampleDecodesToItsJsonWithoutABroker() {
        for (Samples.Sample<?, ?> sample : Samples.all(Samples.licenseKey())) {
            String topic = sample.topic().name();
            byte[] value = encodeValue(sample);
            DeserializeResult result = serde.deserializer(topic, Target.VALUE).deserialize(null, value);
            assertThat(JsonPaths.texts(result.getResult(), sample.expected().keySet()))
                    .as(topic)
                    .containsAllEntriesOf(sample.expected());
        }
    }

    @Test
    void showsTheWriterVersionAndFingerprintBesideTheJson() {
        TaskRequested task = Samples.task(Samples.licenseKey(), Priority.NORMAL);
        byte[] bytes = AvroSerde.of(TaskRequested.class).encode(task);

        DeserializeResult result =
                serde.deserializer("dsp.dispatch", Target.VALUE).deserialize(null, bytes);

        assertThat(result.getType()).isEqualTo(DeserializeResult.Type.JSON);
        assertThat(result.getAdditionalProperties())
                .containsEntry("schema", "io.dsp.schemas.avro.TaskRequested")
                .containsEntry("writerVersion", "v1")
                .containsKey("fingerprint");
    }

    static Stream<Arguments> releasedVersions() {
        List<Arguments> versions = new ArrayList<>();
        for (String name : SchemaHistory.recordNames()) {
            List<Schema> released = SchemaHistory.releasedVersions(name);
            for (int i = 0; i < released.size(); i++) {
                versions.add(Arguments.of(name, "v" + (i + 1), released.get(i)));
            }
        }
        return versions.stream();
    }

    /**
     * A record written with any released version shows as JSON that, typed back into the UI, is the same record the
     * services decode from the original bytes.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("releasedVersions")
    void everyReleasedWriterVersionDecodesToWhatTheServicesRead(String name, String version, Schema writer)
            throws Exception {
        byte[] written = SingleObjectCodec.encode(GenericSamples.of(writer), writer);
        @SuppressWarnings("unchecked")
        Class<? extends SpecificRecordBase> type = (Class<? extends SpecificRecordBase>) Class.forName(name);
        AvroSerde<? extends SpecificRecordBase> services = AvroSerde.of(type);

        // A topic outside the catalogue: the plug-in goes by the fingerprint alone.
        DeserializeResult shown = serde.deserializer("dsp-asset-api-store-changelog", Target.VALUE)
                .deserialize(null, written);

        assertThat(shown.getType()).as(shown.getResult()).isEqualTo(DeserializeResult.Type.JSON);
        assertThat(shown.getAdditionalProperties()).containsEntry("writerVersion", version);
        Schema current = services.decode(written).getSchema();
        byte[] typedBack = SingleObjectCodec.encode(
                AvroJson.fromJson(
                        new com.fasterxml.jackson.databind.ObjectMapper().readTree(shown.getResult()), current),
                current);
        assertThat(services.decode(typedBack)).isEqualTo(services.decode(written));
    }

    @Test
    void bytesThatAreNotAvroSayWhatTheyLookLike() {
        DeserializeResult result = serde.deserializer("dsp.task-events", Target.VALUE)
                .deserialize(null, "{\"type\":\"ACCEPTED\"}".getBytes());

        assertThat(result.getType()).isEqualTo(DeserializeResult.Type.STRING);
        assertThat(result.getResult())
                .startsWith("cannot decode dsp.task-events value: not an Avro single-object encoded record")
                .contains("19 bytes: 7b 22 74");
        assertThat(result.getAdditionalProperties()).containsKey("error");
    }

    @Test
    void anUnknownFingerprintIsNamedAsSuch() {
        byte[] bytes = AvroSerde.of(TaskEvent.class).encode(sampleEvent());
        bytes[5] ^= 0x55;

        String shown = serde.deserializer("dsp.task-events", Target.VALUE)
                .deserialize(null, bytes)
                .getResult();

        assertThat(shown).startsWith("cannot decode dsp.task-events value: unknown schema fingerprint 0x");
    }

    @Test
    void aRecordOfAnotherContractOnATopicIsNamed() {
        byte[] presence = Topics.WORKERS.valueSerde().serializer().serialize("dsp.workers", samplePresence());

        String shown = serde.deserializer("dsp.task-events", Target.VALUE)
                .deserialize(null, presence)
                .getResult();

        assertThat(shown)
                .isEqualTo("cannot decode dsp.task-events value: a io.dsp.schemas.avro.WorkerPresence record (v2) where"
                        + " this topic carries io.dsp.schemas.avro.TaskEvent; "
                        + SingleObjectCodec.preview(presence));
    }

    @Test
    void aTruncatedOrPaddedBodyIsCalledCorrupt() {
        byte[] bytes = AvroSerde.of(TaskEvent.class).encode(sampleEvent());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 5);
        byte[] padded = Arrays.copyOf(bytes, bytes.length + 3);

        assertThat(serde.deserializer("dsp.task-events", Target.VALUE)
                        .deserialize(null, truncated)
                        .getResult())
                .startsWith("cannot decode dsp.task-events value: corrupt io.dsp.schemas.avro.TaskEvent body (v4)");
        assertThat(serde.deserializer("dsp.task-events", Target.VALUE)
                        .deserialize(null, padded)
                        .getResult())
                .startsWith("cannot decode dsp.task-events value: 3 bytes left over after a"
                        + " io.dsp.schemas.avro.TaskEvent body (v4)");
    }

    @Test
    void assetKeysAreLongsAndOtherKeysText() {
        byte[] key = ByteBuffer.allocate(8).putLong(123L).array();

        assertThat(serde.deserializer("dsp.assets", Target.KEY)
                        .deserialize(null, key)
                        .getResult())
                .isEqualTo("123");
        assertThat(serde.deserializer("dsp.assets", Target.KEY)
                        .deserialize(null, "123".getBytes())
                        .getResult())
                .isEqualTo("cannot decode dsp.assets key: keys of dsp.assets are 8-byte longs, this one has 3 bytes:"
                        + " 31 32 33");
        assertThat(serde.deserializer("dsp.tasks.abc", Target.KEY)
                        .deserialize(null, "del_asset_1".getBytes())
                        .getResult())
                .isEqualTo("del_asset_1");
        assertThat(serde.deserializer("dsp.workers", Target.KEY)
                        .deserialize(null, new byte[] {(byte) 0xff, 0x00})
                        .getResult())
                .isEqualTo("cannot decode dsp.workers key: not UTF-8 text; 2 bytes: ff 00");
    }

    @Test
    void jsonTypedInTheUiBecomesTheBytesTheServicesWrite() {
        TaskRequested task = Samples.task("lic-typed", Priority.HIGH);
        String topic = TenantTopics.forTask(task).name();
        String shown = serde.deserializer(topic, Target.VALUE)
                .deserialize(null, AvroSerde.of(TaskRequested.class).encode(task))
                .getResult();

        byte[] typed = serde.serializer(topic, Target.VALUE).serialize(shown);

        assertThat(typed).isEqualTo(AvroSerde.of(TaskRequested.class).encode(task));
        assertThat(serde.serializer("dsp.assets", Target.KEY).serialize("42"))
                .isEqualTo(ByteBuffer.allocate(8).putLong(42L).array());
    }

    @Test
    void typedValuesAcceptEpochMillisAndDefaults() {
        String typed = "{\"workerId\":\"w1\",\"kind\":\"LEGACY\",\"slots\":3,\"inFlight\":0,"
                + "\"startedAt\":1700000000000,\"heartbeatAt\":\"2026-11-29T07:30:00Z\",\"heartbeatIntervalMs\":5000}";

        WorkerPresence decoded = AvroSerde.of(WorkerPresence.class)
                .decode(serde.serializer("dsp.workers", Target.VALUE).serialize(typed));

        assertThat(decoded.getLane()).isEqualTo("gpu");
        assertThat(decoded.getHost()).isNull();
        assertThat(decoded.getStartedAt().toEpochMilli()).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void badTypedInputIsRefusedWithThePathAndReason() {
        assertThatThrownBy(() -> serde.serializer("dsp.workers", Target.VALUE).serialize("{not json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("A value of dsp.workers must be JSON (a WorkerPresence)");
        assertThatThrownBy(() -> serde.serializer("dsp.workers", Target.VALUE).serialize("{\"workerId\":\"w1\"}"))
                .hasMessage("Not a WorkerPresence for dsp.workers: $: WorkerPresence needs field 'kind'");
        assertThatThrownBy(() -> serde.serializer("dsp.workers", Target.VALUE)
                        .serialize("{\"workerId\":\"w1\",\"kind\":\"ROBOT\"}"))
                .hasMessageContaining("$.kind: expected one of [NATIVE, LEGACY, UNKNOWN], got \"ROBOT\"");
        assertThatThrownBy(() -> serde.serializer("dsp.workers", Target.VALUE).serialize("{\"colour\":1}"))
                .hasMessage("Not a WorkerPresence for dsp.workers: $: WorkerPresence has no field 'colour'");
        assertThatThrownBy(() -> serde.serializer("dsp.assets", Target.KEY).serialize("abc"))
                .hasMessage("Keys of dsp.assets are asset ids (whole numbers, like 123), not 'abc'");
        assertThat(serde.canSerialize("__consumer_offsets", Target.VALUE)).isFalse();
    }

    @Test
    void theUiGetsAJsonSchemaOfEachTopic() {
        String schema = serde.getSchema("dsp.tasks.abc.high", Target.VALUE)
                .orElseThrow()
                .getSchema();

        assertThat(JsonPaths.text(schema, "title")).isEqualTo("io.dsp.schemas.avro.TaskRequested");
        assertThat(JsonPaths.text(schema, "required")).contains("requestId").doesNotContain("replayOf");
        assertThat(JsonPaths.text(schema, "properties.requestedAt.format")).isEqualTo("date-time");
        assertThat(serde.getSchema("dsp.assets", Target.KEY).orElseThrow().getSchema())
                .contains("integer");
        assertThat(serde.getSchema("__consumer_offsets", Target.VALUE)).isEmpty();
    }

    private static TaskEvent sampleEvent() {
        return (TaskEvent) Samples.all(Samples.licenseKey()).get(1).value();
    }

    private static WorkerPresence samplePresence() {
        return (WorkerPresence) Samples.all(Samples.licenseKey()).get(3).value();
    }

    @SuppressWarnings("unchecked")
    static <K, V> byte[] encodeValue(Samples.Sample<K, V> sample) {
        return sample.topic().valueSerde().serializer().serialize(sample.topic().name(), sample.value());
    }

    /** A valid datum of any schema, with non-null union branches so that every field shows. */
    static final class GenericSamples {

        private GenericSamples() {}

        static Object of(Schema schema) {
            switch (schema.getType()) {
                case RECORD:
                    GenericRecord record = new GenericData.Record(schema);
                    for (Schema.Field field : schema.getFields()) {
                        record.put(field.pos(), of(field.schema()));
                    }
                    return record;
                case UNION:
                    Schema branch = schema.getTypes().stream()
                            .filter(s -> s.getType() != Schema.Type.NULL)
                            .findFirst()
                            .orElse(schema.getTypes().get(0));
                    return of(branch);
                case ENUM:
                    return new GenericData.EnumSymbol(
                            schema, schema.getEnumSymbols().get(0));
                case ARRAY:
                    return new GenericData.Array<>(schema, List.of(of(schema.getElementType())));
                case STRING:
                    return "text-" + schema.getName();
                case INT:
                    return 7;
                case LONG:
                    return 1_764_400_000_000L;
                case BOOLEAN:
                    return true;
                case DOUBLE:
                    return 1.5d;
                case FLOAT:
                    return 1.5f;
                case NULL:
                    return null;
                default:
                    throw new IllegalArgumentException("No sample for " + schema.getType());
            }
        }
    }
}
