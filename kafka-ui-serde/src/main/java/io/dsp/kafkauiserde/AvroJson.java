package io.dsp.kafkauiserde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/**
 * Avro generic data to and from the JSON people read: unions unwrapped (a value, or {@code null}), enums as their
 * symbol, {@code timestamp-millis} as an ISO-8601 instant, bytes as base64. Avro's own JSON encoding wraps every union
 * value in its branch name, which is exact but hard to read in Kafka UI. Reading JSON back is strict (unknown or
 * missing fields are errors), so that a union of records picks the one branch whose fields match.
 */
final class AvroJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {}

    static JsonNode toJson(Object datum, Schema schema) {
        switch (schema.getType()) {
            case NULL:
                return NODES.nullNode();
            case UNION:
                return toJson(datum, schema.getTypes().get(GenericData.get().resolveUnion(schema, datum)));
            case RECORD:
                GenericRecord record = (GenericRecord) datum;
                ObjectNode object = NODES.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    object.set(field.name(), toJson(record.get(field.pos()), field.schema()));
                }
                return object;
            case ENUM:
            case STRING:
                return NODES.textNode(datum.toString());
            case ARRAY:
                ArrayNode array = NODES.arrayNode();
                for (Object item : (Collection<?>) datum) {
                    array.add(toJson(item, schema.getElementType()));
                }
                return array;
            case MAP:
                ObjectNode map = NODES.objectNode();
                ((Map<?, ?>) datum).forEach((k, v) -> map.set(k.toString(), toJson(v, schema.getValueType())));
                return map;
            case INT:
                return NODES.numberNode((Integer) datum);
            case LONG:
                long value = (Long) datum;
                return isTimestampMillis(schema)
                        ? NODES.textNode(Instant.ofEpochMilli(value).toString())
                        : NODES.numberNode(value);
            case FLOAT:
                return NODES.numberNode((Float) datum);
            case DOUBLE:
                return NODES.numberNode((Double) datum);
            case BOOLEAN:
                return NODES.booleanNode((Boolean) datum);
            case BYTES:
                ByteBuffer buffer = ((ByteBuffer) datum).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            case FIXED:
                return NODES.textNode(Base64.getEncoder().encodeToString(((GenericFixed) datum).bytes()));
            default:
                throw new IllegalArgumentException("Unsupported Avro type " + schema.getType());
        }
    }

    /** The generic datum of this JSON for this schema; {@link IllegalArgumentException} names the offending path. */
    static Object fromJson(JsonNode json, Schema schema) {
        return fromJson(json, schema, "$");
    }

    private static Object fromJson(JsonNode json, Schema schema, String path) {
        switch (schema.getType()) {
            case NULL:
                expect(json.isNull(), path, "null", json);
                return null;
            case UNION:
                return unionFromJson(json, schema, path);
            case RECORD:
                return recordFromJson(json, schema, path);
            case ENUM:
                expect(
                        json.isTextual() && schema.hasEnumSymbol(json.asText()),
                        path,
                        "one of " + schema.getEnumSymbols(),
                        json);
                return new GenericData.EnumSymbol(schema, json.asText());
            case STRING:
                expect(json.isTextual(), path, "a string", json);
                return json.asText();
            case ARRAY:
                expect(json.isArray(), path, "an array", json);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < json.size(); i++) {
                    items.add(fromJson(json.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                return new GenericData.Array<>(schema, items);
            case MAP:
                expect(json.isObject(), path, "an object", json);
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : json.properties()) {
                    map.put(e.getKey(), fromJson(e.getValue(), schema.getValueType(), path + "." + e.getKey()));
                }
                return map;
            case INT:
                expect(json.canConvertToInt() && json.isIntegralNumber(), path, "an int", json);
                return json.intValue();
            case LONG:
                return longFromJson(json, schema, path);
            case FLOAT:
                expect(json.isNumber(), path, "a number", json);
                return json.floatValue();
            case DOUBLE:
                expect(json.isNumber(), path, "a number", json);
                return json.doubleValue();
            case BOOLEAN:
                expect(json.isBoolean(), path, "true or false", json);
                return json.booleanValue();
            case BYTES:
                expect(json.isTextual(), path, "a base64 string", json);
                return ByteBuffer.wrap(base64(json.asText(), path));
            case FIXED:
                expect(json.isTextual(), path, "a base64 string", json);
                return new GenericData.Fixed(schema, base64(json.asText(), path));
            default:
                throw new IllegalArgumentException(path + ": unsupported Avro type " + schema.getType());
        }
    }

    private static Object unionFromJson(JsonNode json, Schema union, String path) {
        List<String> failures = new ArrayList<>();
        for (Schema branch : union.getTypes()) {
            try {
                return fromJson(json, branch, path);
            } catch (IllegalArgumentException e) {
                failures.add(branch.getType() == Schema.Type.NULL ? "null" : e.getMessage());
            }
        }
        throw new IllegalArgumentException(path + ": matches no branch of the union: " + String.join("; ", failures));
    }

    private static GenericRecord recordFromJson(JsonNode json, Schema schema, String path) {
        expect(json.isObject(), path, "an object (" + schema.getName() + ")", json);
        GenericData.Record record = new GenericData.Record(schema);
        for (Map.Entry<String, JsonNode> e : json.properties()) {
            String name = e.getKey();
            if (schema.getField(name) == null) {
                throw new IllegalArgumentException(path + ": " + schema.getName() + " has no field '" + name + "'");
            }
        }
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = json.get(field.name());
            if (value == null) {
                if (!field.hasDefaultValue()) {
                    throw new IllegalArgumentException(
                            path + ": " + schema.getName() + " needs field '" + field.name() + "'");
                }
                record.put(field.pos(), GenericData.get().getDefaultValue(field));
            } else {
                record.put(field.pos(), fromJson(value, field.schema(), path + "." + field.name()));
            }
        }
        return record;
    }

    private static long longFromJson(JsonNode json, Schema schema, String path) {
        if (json.isTextual() && isTimestampMillis(schema)) {
            try {
                return Instant.parse(json.asText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        path + ": expected an ISO-8601 instant like 2026-01-31T12:00:00Z or epoch milliseconds, got "
                                + json);
            }
        }
        expect(json.isIntegralNumber() && json.canConvertToLong(), path, "a whole number", json);
        return json.longValue();
    }

    private static boolean isTimestampMillis(Schema schema) {
        LogicalType logicalType = schema.getLogicalType();
        return logicalType != null
                && logicalType.getName().equals(LogicalTypes.timestampMillis().getName());
    }

    private static byte[] base64(String text, String path) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": not base64: " + e.getMessage());
        }
    }

    private static void expect(boolean ok, String path, String expected, JsonNode actual) {
        if (!ok) {
            throw new IllegalArgumentException(path + ": expected " + expected + ", got " + shorten(actual.toString()));
        }
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
