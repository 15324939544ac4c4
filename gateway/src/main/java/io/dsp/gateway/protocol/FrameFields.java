package io.dsp.gateway.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading fields of incoming frames and copying them into outgoing ones, the same way for every family. */
public final class FrameFields {

    /** An incoming frame as an outgoing one, field order kept. */
    public static final TypeReference<LinkedHashMap<String, Object>> LINKED_MAP = new TypeReference<>() {};

    private FrameFields() {}

    /** A non-blank string field, else {@code null} (legacy clients send blanks for "none"). */
    public static String text(JsonNode frame, String field) {
        JsonNode node = frame.get(field);
        return node != null && node.isString() && !node.asString().isBlank() ? node.asString() : null;
    }

    public static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    public static void putIfSet(Map<String, Object> frame, String field, Object value) {
        if (value != null) {
            frame.put(field, value);
        }
    }

    /** The given fields of {@code frame} that are present, in that order. */
    public static Map<String, Object> copy(JsonMapper json, JsonNode frame, String... fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String field : fields) {
            if (frame.has(field)) {
                out.put(field, json.convertValue(frame.get(field), Object.class));
            }
        }
        return out;
    }
}
