package io.dsp.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Test
    void taskRequestedRoundTripsWithEachTypedPayload() {
        AvroSerde<TaskRequested> serde = AvroSerde.of(TaskRequested.class);
        for (Object payload : new Object[] {
            new DeleteAssetPayload(123L, null, null),
            new HeyGemSubmitPayload("a".repeat(32), ".wav", "b".repeat(32), ".mp4"),
            new GenericPayload("{\"x\":1}")
        }) {
            TaskRequested task = task(payload);

            TaskRequested back =
                    serde.deserializer().deserialize("t", serde.serializer().serialize("t", task));

            assertThat(back).isEqualTo(task);
        }
    }

    @Test
    void encodingIsAvroSingleObjectWithTheSchemaFingerprint() {
        AvroSerde<TaskRequested> serde = AvroSerde.of(TaskRequested.class);

        byte[] bytes = serde.encode(task(new DeleteAssetPayload(1L, null, null)));

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = SchemaNormalization.parsingFingerprint64(TaskRequested.getClassSchema());
        for (int i = 0; i < 8; i++) {
            assertThat(bytes[2 + i]).isEqualTo((byte) (fingerprint >>> (8 * i)));
        }
    }

    @Test
    void recordsWrittenWithAnOlderWriterSchemaAreResolvedToTheCurrentType() throws Exception {
        // An older TaskEvent writer that knew no progress, result or error fields.
        Schema older = new Schema.Parser().parse("""
                {"type":"record","name":"TaskEvent","namespace":"io.dsp.schemas.avro","fields":[
                 {"name":"eventId","type":"string"},{"name":"requestId","type":"string"},
                 {"name":"licenseKey","type":"string"},{"name":"taskType","type":"string"},
                 {"name":"type","type":{"type":"enum","name":"TaskEventType","symbols":["ACCEPTED","UNKNOWN"],"default":"UNKNOWN"}},
                 {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
                 {"name":"source","type":"string"},
                 {"name":"workerId","type":["null","string"],"default":null},
                 {"name":"deliveryCount","type":["null","int"],"default":null}]}""");
        GenericRecord record = new GenericData.Record(older);
        record.put("eventId", "e1");
        record.put("requestId", "r1");
        record.put("licenseKey", "k");
        record.put("taskType", "delete_asset");
        record.put("type", new GenericData.EnumSymbol(older.getField("type").schema(), "ACCEPTED"));
        record.put("at", NOW.toEpochMilli());
        record.put("source", "asset-api");
        byte[] bytes = singleObject(older, record);
        AvroSerde<TaskEvent> serde = AvroSerde.ofWithExtraWriters(TaskEvent.class, older);

        TaskEvent event = serde.decode(bytes);

        assertThat(event.getType()).isEqualTo(TaskEventType.ACCEPTED);
        assertThat(event.getAt()).isEqualTo(NOW);
        assertThat(event.getProgress()).isNull();
    }

    @Test
    void unknownSchemaFingerprintIsASerializationErrorNamingTheType() {
        AvroSerde<TaskEvent> serde = AvroSerde.of(TaskEvent.class);
        byte[] bytes = AvroSerde.of(TaskRequested.class).encode(task(new DeleteAssetPayload(1L, null, null)));

        assertThatThrownBy(() -> serde.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("TaskEvent");
    }

    @Test
    void garbageIsASerializationErrorNotACrash() {
        AvroSerde<TaskEvent> serde = AvroSerde.of(TaskEvent.class);

        assertThatThrownBy(() -> serde.decode(new byte[] {1, 2, 3})).isInstanceOf(SerializationException.class);
    }

    @Test
    void nullIsATombstoneBothWays() {
        AvroSerde<TaskEvent> serde = AvroSerde.of(TaskEvent.class);

        assertThat(serde.encode(null)).isNull();
        assertThat(serde.decode(null)).isNull();
    }

    @Test
    void progressFieldsOfTheLegacyFrameSurviveTheTrip() {
        AvroSerde<TaskEvent> serde = AvroSerde.of(TaskEvent.class);
        TaskEvent event = TaskEvent.newBuilder()
                .setEventId("e")
                .setRequestId("r")
                .setLicenseKey("k")
                .setTaskType("heygem_submit")
                .setType(TaskEventType.PROGRESS)
                .setAt(NOW)
                .setSource("gpu-consumer")
                .setWorkerId("w1")
                .setDeliveryCount(2)
                .setProgress(new TaskProgress("synthesizing", 40, "合成中", 1000, 400))
                .build();

        assertThat(serde.decode(serde.encode(event))).isEqualTo(event);
    }

    private static TaskRequested task(Object payload) {
        return TaskRequested.newBuilder()
                .setRequestId("del_asset_1")
                .setLicenseKey("LIC-1")
                .setTaskType("delete_asset")
                .setPayload(payload)
                .setPriority(Priority.NORMAL)
                .setRequestedAt(NOW)
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "asset-api-1", null, "pc"))
                .build();
    }

    private static byte[] singleObject(Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xC3, 0x01});
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        for (int i = 0; i < 8; i++) {
            out.write((int) (fingerprint >>> (8 * i)) & 0xFF);
        }
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
