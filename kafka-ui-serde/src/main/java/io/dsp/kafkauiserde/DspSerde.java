package io.dsp.kafkauiserde;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsp.kafkauiserde.SingleObjectCodec.Decoded;
import io.dsp.kafkauiserde.SingleObjectCodec.UndecodableException;
import io.dsp.kafkauiserde.TopicFormats.Format;
import io.dsp.kafkauiserde.TopicFormats.KeyKind;
import io.dsp.schemas.topic.Topics;
import io.kafbat.ui.serde.api.DeserializeResult;
import io.kafbat.ui.serde.api.PropertyResolver;
import io.kafbat.ui.serde.api.SchemaDescription;
import io.kafbat.ui.serde.api.Serde;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The Kafka UI (kafbat) serde of DSP on Kafka: shows every record of every catalogue topic and tenant topic as readable
 * JSON, whichever released schema version wrote it, and turns JSON typed in the UI's "produce message" form into the
 * same bytes the services write. Undecodable bytes are shown as one sentence saying why, never as a silent fallback.
 *
 * <p>Configure it in Kafka UI as {@code kafka.clusters.N.serde.M.className=io.dsp.kafkauiserde.DspSerde} with
 * {@code filePath} at {@code dsp-kafka-ui-serde.jar} (see compose/compose.yaml). It needs no properties.
 */
public final class DspSerde implements Serde {

    static final String PREFIX = "cannot decode ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WriterSchemas schemas = new WriterSchemas();
    private final TopicFormats formats = new TopicFormats(Topics.SHARED, schemas);
    private final SingleObjectCodec codec = new SingleObjectCodec(schemas);

    @Override
    public void configure(
            PropertyResolver serdeProperties, PropertyResolver clusterProperties, PropertyResolver appProperties) {
        // Nothing to configure: the topic catalogue and every schema version travel inside the jar.
    }

    @Override
    public Optional<String> getDescription() {
        return Optional.of("DSP on Kafka: Avro single-object records of every dsp.* topic as JSON (all released"
                + " schema versions); keys as text, dsp.assets keys as numbers");
    }

    @Override
    public Optional<SchemaDescription> getSchema(String topic, Target target) {
        Format format = formats.of(topic);
        if (format == null) {
            return Optional.empty();
        }
        String schema;
        if (target == Target.KEY) {
            schema = format.key() == KeyKind.LONG
                    ? "{\"type\":\"integer\",\"format\":\"int64\"}"
                    : "{\"type\":\"string\"}";
        } else if (format.avroValues()) {
            schema = JsonSchemas.of(format.value()).toString();
        } else {
            schema = "{\"type\":\"string\"}";
        }
        return Optional.of(new SchemaDescription(schema, Map.of()));
    }

    /** Every topic: catalogue topics by their contract, any other topic by the fingerprint its values carry. */
    @Override
    public boolean canDeserialize(String topic, Target target) {
        return true;
    }

    /** Only the catalogue's topics: elsewhere there is no contract to write to. */
    @Override
    public boolean canSerialize(String topic, Target target) {
        return formats.of(topic) != null;
    }

    @Override
    public Serializer serializer(String topic, Target target) {
        Format format = formats.of(topic);
        if (format == null) {
            throw new IllegalArgumentException(topic + " is not a topic of the DSP catalogue: nothing to write with");
        }
        if (target == Target.KEY) {
            return format.key() == KeyKind.LONG ? text -> longKey(topic, text) : DspSerde::utf8;
        }
        if (!format.avroValues()) {
            return DspSerde::utf8;
        }
        return text -> avroValue(topic, format, text);
    }

    @Override
    public Deserializer deserializer(String topic, Target target) {
        Format format = formats.of(topic);
        if (target == Target.KEY) {
            return format != null && format.key() == KeyKind.LONG
                    ? (headers, bytes) -> longKey(topic, bytes)
                    : (headers, bytes) -> textOrError(topic, "key", bytes);
        }
        if (format != null && !format.avroValues()) {
            return (headers, bytes) -> textOrError(topic, "value", bytes);
        }
        String expected = format == null ? null : format.value().getFullName();
        return (headers, bytes) -> avroValue(topic, expected, bytes);
    }

    private DeserializeResult avroValue(String topic, String expected, byte[] bytes) {
        try {
            Decoded decoded = codec.decode(bytes, expected);
            String json =
                    AvroJson.toJson(decoded.datum(), decoded.writer().current()).toString();
            return new DeserializeResult(
                    json,
                    DeserializeResult.Type.JSON,
                    Map.of(
                            "schema", decoded.writer().recordName(),
                            "writerVersion", decoded.writer().version(),
                            "fingerprint", SingleObjectCodec.hex(SingleObjectCodec.fingerprintOf(bytes))));
        } catch (UndecodableException e) {
            return error(topic, "value", e.getMessage());
        }
    }

    private static DeserializeResult longKey(String topic, byte[] bytes) {
        if (bytes.length != Long.BYTES) {
            return error(
                    topic,
                    "key",
                    "keys of " + topic + " are 8-byte longs, this one has " + SingleObjectCodec.preview(bytes));
        }
        return new DeserializeResult(
                Long.toString(ByteBuffer.wrap(bytes).getLong()), DeserializeResult.Type.STRING, Map.of());
    }

    private static DeserializeResult textOrError(String topic, String part, byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return new DeserializeResult(text, DeserializeResult.Type.STRING, Map.of());
        } catch (CharacterCodingException e) {
            return error(topic, part, "not UTF-8 text; " + SingleObjectCodec.preview(bytes));
        }
    }

    /** Kafka UI swallows a deserializer's exception and shows its fallback; a result keeps the reason visible. */
    private static DeserializeResult error(String topic, String part, String reason) {
        return new DeserializeResult(
                PREFIX + topic + " " + part + ": " + reason, DeserializeResult.Type.STRING, Map.of("error", reason));
    }

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] longKey(String topic, String text) {
        try {
            return ByteBuffer.allocate(Long.BYTES)
                    .putLong(Long.parseLong(text.strip()))
                    .array();
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "Keys of " + topic + " are asset ids (whole numbers, like 123), not '" + text + "'");
        }
    }

    private static byte[] avroValue(String topic, Format format, String text) {
        if (text == null) {
            return null;
        }
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("A value of " + topic + " must be JSON (a "
                    + format.value().getName() + "): " + e.getOriginalMessage());
        }
        try {
            return SingleObjectCodec.encode(AvroJson.fromJson(json, format.value()), format.value());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Not a " + format.value().getName() + " for " + topic + ": " + e.getMessage(), e);
        }
    }
}
