package io.dsp.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every generated class agrees with the classes it embeds. The Avro plugin regenerates only the {@code .avsc} files
 * that changed, so after a field is added to {@code TaskEvent} an incremental build keeps {@code TaskLife}'s old copy
 * of it: its writer then puts the new class's fields at the old positions, and the read model dies encoding its first
 * record (seen on 2026-12-07). {@code mvn clean} mends it; this test says so instead of a broken service.
 */
class GeneratedClassesTest {

    static final List<Class<?>> CONTRACTS = List.copyOf(Contracts.TOP_LEVEL);

    @ParameterizedTest
    @FieldSource("CONTRACTS")
    void everyNestedTypeIsTheOneItsOwnClassWasGeneratedFrom(Class<?> type) {
        List<String> stale = new ArrayList<>();
        visit(SpecificData.get().getSchema(type), new HashSet<>(), stale);

        assertThat(stale)
                .as(
                        "%s embeds stale copies of these types: run a clean build of schemas (mvn clean install -pl schemas)",
                        type.getSimpleName())
                .isEmpty();
    }

    private static void visit(Schema schema, Set<String> seen, List<String> stale) {
        switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                Class<?> generated = SpecificData.get().getClass(schema);
                if (generated != null
                        && !SpecificData.get().getSchema(generated).equals(schema)) {
                    stale.add(schema.getFullName());
                }
                if (schema.getType() == Schema.Type.RECORD) {
                    schema.getFields().forEach(field -> visit(field.schema(), seen, stale));
                }
            }
            case ARRAY -> visit(schema.getElementType(), seen, stale);
            case MAP -> visit(schema.getValueType(), seen, stale);
            case UNION -> schema.getTypes().forEach(branch -> visit(branch, seen, stale));
            default -> {
                // primitives embed nothing
            }
        }
    }
}
