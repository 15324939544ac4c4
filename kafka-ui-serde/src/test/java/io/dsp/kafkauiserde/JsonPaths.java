package io.dsp.kafkauiserde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads {@code a.b[0]} paths out of the plug-in's JSON as text ({@code "null"} for JSON null). */
final class JsonPaths {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonPaths() {}

    static String text(String json, String path) {
        try {
            JsonNode node = JSON.readTree(json);
            for (String part : path.split("\\.")) {
                int bracket = part.indexOf('[');
                String name = bracket < 0 ? part : part.substring(0, bracket);
                node = node.get(name);
                if (node == null) {
                    return "<missing " + path + ">";
                }
                if (bracket >= 0) {
                    node = node.get(Integer.parseInt(part.substring(bracket + 1, part.length() - 1)));
                }
            }
            return node.isNull() ? "null" : node.isValueNode() ? node.asText() : node.toString();
        } catch (Exception e) {
            throw new AssertionError("Not JSON: " + json, e);
        }
    }

    /** The values at these paths, for one comparison with the expected map. */
    static Map<String, String> texts(String json, Iterable<String> paths) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String path : paths) {
            out.put(path, text(json, path));
        }
        return out;
    }
}
