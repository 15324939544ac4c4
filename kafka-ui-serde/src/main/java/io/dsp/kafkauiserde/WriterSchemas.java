package io.dsp.kafkauiserde;

import io.dsp.schemas.serde.SchemaHistory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;

/**
 * Every schema a record of this project may have been written with, by its single-object fingerprint: each released
 * version in {@link SchemaHistory}, plus the current schema of each generated class (what writers use today, which may
 * not be released yet). Readers resolve a writer to the current schema of the same record, as the services do.
 */
final class WriterSchemas {

    /** A writer schema, the current schema of the same record, and a label for the UI ({@code v1}, ...). */
    record Writer(Schema writer, Schema current, String version) {

        String recordName() {
            return writer.getFullName();
        }
    }

    private final Map<Long, Writer> byFingerprint = new HashMap<>();
    private final Map<String, Schema> currentByName = new HashMap<>();

    WriterSchemas() {
        for (String name : SchemaHistory.recordNames()) {
            Schema current = currentSchemaOf(name);
            currentByName.put(name, current);
            List<Schema> released = SchemaHistory.releasedVersions(name);
            for (int i = 0; i < released.size(); i++) {
                add(new Writer(released.get(i), current, "v" + (i + 1)));
            }
        }
    }

    /** Adds the current schema of a topic's value type; labelled as unreleased unless a released file equals it. */
    void addCurrent(Schema current) {
        currentByName.put(current.getFullName(), current);
        byFingerprint.putIfAbsent(fingerprint(current), new Writer(current, current, "current (unreleased)"));
    }

    Optional<Writer> find(long fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }

    /** Current schemas of every known record, by full name. */
    Map<String, Schema> currentSchemas() {
        return Map.copyOf(currentByName);
    }

    static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    private void add(Writer writer) {
        byFingerprint.putIfAbsent(fingerprint(writer.writer()), writer);
    }

    /** The generated class's schema; the latest released version when no class of that name exists. */
    private static Schema currentSchemaOf(String fullName) {
        try {
            Class<?> type = Class.forName(fullName, true, WriterSchemas.class.getClassLoader());
            return SpecificData.get().getSchema(type);
        } catch (ClassNotFoundException e) {
            List<Schema> released = SchemaHistory.releasedVersions(fullName);
            return released.get(released.size() - 1);
        }
    }
}
