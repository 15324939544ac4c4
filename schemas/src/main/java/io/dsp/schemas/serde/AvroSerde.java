package io.dsp.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated Avro type using Avro's single-object encoding (2-byte marker, 8-byte schema
 * fingerprint, binary body). Writers always use the current schema; readers resolve any released version found in
 * {@link SchemaHistory}, so old records stay readable after the schema evolves, and any newer version a newer release
 * published to {@code dsp.schemas} ({@link WriterSchemas}). A {@code null} value is a tombstone.
 */
public final class AvroSerde<T extends SpecificRecordBase> implements Serde<T> {

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroSerde(Class<T> type, Schema... extraWriters) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        Schema current = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, current);
        SchemaStore.Cache jar = new SchemaStore.Cache();
        SchemaHistory.releasedVersions(current.getFullName()).forEach(jar::addSchema);
        for (Schema writer : extraWriters) {
            jar.addSchema(writer);
        }
        // a fingerprint the jar does not know was written by a newer release: its schema is on dsp.schemas (ADR 027)
        SchemaStore store = fingerprint -> {
            Schema known = jar.findByFingerprint(fingerprint);
            return known != null ? known : WriterSchemas.find(fingerprint).orElse(null);
        };
        this.decoder = new BinaryMessageDecoder<>(model, current, store);
        this.decoder.addSchema(current);
    }

    public static <T extends SpecificRecordBase> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type);
    }

    /** A serde that also resolves these writer schemas; for tests of evolution before a version is released. */
    static <T extends SpecificRecordBase> AvroSerde<T> ofWithExtraWriters(Class<T> type, Schema... writers) {
        return new AvroSerde<>(type, writers);
    }

    public Class<T> type() {
        return type;
    }

    public byte[] encode(T value) {
        if (value == null) {
            return null;
        }
        try {
            ByteBuffer buffer = encoder.encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | AvroRuntimeException e) {
            throw new SerializationException("Cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public T decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return decoder.decode(bytes);
        } catch (IOException | AvroRuntimeException e) {
            throw new SerializationException(
                    "Cannot decode " + type.getSimpleName() + " (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> decode(bytes);
    }
}
