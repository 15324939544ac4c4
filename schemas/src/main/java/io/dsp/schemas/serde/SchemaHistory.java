package io.dsp.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Every released version of every top-level schema, read from {@code /io/dsp/schemas/history/} on the classpath.
 *
 * <p>Layout: {@code history/index} lists one {@code <RecordName>/v<N>.avsc} per line; each file is a complete
 * standalone schema (nested types inlined), exactly as it was released. Released files never change; a new version is
 * a new file, and {@code SchemaHistoryCompatibilityTest} refuses one that is not backward- and forward-compatible with
 * every earlier version.
 */
public final class SchemaHistory {

    private static final String ROOT = "/io/dsp/schemas/history/";
    private static final Map<String, List<Schema>> BY_FULL_NAME = load();

    private SchemaHistory() {}

    /** Released versions of the record with this full name, oldest first; empty if none was released. */
    public static List<Schema> releasedVersions(String fullName) {
        return BY_FULL_NAME.getOrDefault(fullName, List.of());
    }

    /** Full names of every record that has at least one released version. */
    public static List<String> recordNames() {
        return List.copyOf(BY_FULL_NAME.keySet());
    }

    private static Map<String, List<Schema>> load() {
        Map<String, List<Schema>> byName = new ConcurrentHashMap<>();
        for (String entry : read(ROOT + "index").split("\n")) {
            String path = entry.strip();
            if (path.isEmpty() || path.startsWith("#")) {
                continue;
            }
            Schema schema = new Schema.Parser().parse(read(ROOT + path));
            byName.computeIfAbsent(schema.getFullName(), k -> new ArrayList<>()).add(schema);
        }
        byName.replaceAll((k, v) -> List.copyOf(v));
        return Map.copyOf(byName);
    }

    private static String read(String resource) {
        try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Schema history resource missing from the classpath: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
