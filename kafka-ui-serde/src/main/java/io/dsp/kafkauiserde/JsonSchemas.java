package io.dsp.kafkauiserde;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The JSON Schema (draft 2020-12) of the JSON that {@link AvroJson} writes and reads for an Avro schema. Kafka UI shows
 * it next to a topic and fills the "produce message" form from it.
 */
final class JsonSchemas {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonSchemas() {}

    static ObjectNode of(Schema schema) {
        ObjectNode root = forType(schema);
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("title", schema.getFullName());
        return root;
    }

    static ObjectNode forType(Schema schema) {
        ObjectNode node = NODES.objectNode();
        if (schema.getDoc() != null) {
            node.put("description", schema.getDoc());
        }
        switch (schema.getType()) {
            case NULL:
                return node.put("type", "null");
            case BOOLEAN:
                return node.put("type", "boolean");
            case INT:
                return node.put("type", "integer").put("format", "int32");
            case LONG:
                if (schema.getLogicalType() != null
                        && schema.getLogicalType()
                                .getName()
                                .equals(LogicalTypes.timestampMillis().getName())) {
                    return node.put("type", "string").put("format", "date-time");
                }
                return node.put("type", "integer").put("format", "int64");
            case FLOAT:
            case DOUBLE:
                return node.put("type", "number");
            case STRING:
                return node.put("type", "string");
            case BYTES:
            case FIXED:
                return node.put("type", "string").put("contentEncoding", "base64");
            case ENUM:
                ArrayNode symbols = node.put("type", "string").putArray("enum");
                schema.getEnumSymbols().forEach(symbols::add);
                return node;
            case ARRAY:
                node.put("type", "array").set("items", forType(schema.getElementType()));
                return node;
            case MAP:
                node.put("type", "object").set("additionalProperties", forType(schema.getValueType()));
                return node;
            case UNION:
                ArrayNode branches = node.putArray("oneOf");
                schema.getTypes().forEach(branch -> branches.add(forType(branch)));
                return node;
            case RECORD:
                node.put("type", "object").put("additionalProperties", false);
                ObjectNode properties = node.putObject("properties");
                ArrayNode required = node.putArray("required");
                for (Schema.Field field : schema.getFields()) {
                    ObjectNode property = forType(field.schema());
                    if (field.doc() != null) {
                        property.put("description", field.doc());
                    }
                    properties.set(field.name(), property);
                    if (!field.hasDefaultValue()) {
                        required.add(field.name());
                    }
                }
                return node;
            default:
                throw new IllegalArgumentException("Unsupported Avro type " + schema.getType());
        }
    }
}
