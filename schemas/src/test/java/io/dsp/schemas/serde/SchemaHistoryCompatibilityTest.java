package io.dsp.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The build-time gate on schema evolution. */
class SchemaHistoryCompatibilityTest {

    static final List<Class<?>> CONTRACTS = List.copyOf(Contracts.TOP_LEVEL);

    @ParameterizedTest
    @FieldSource("CONTRACTS")
    void currentSchemaIsReleased(Class<?> type) {
        Schema current = SpecificData.get().getSchema(type);
        List<Long> released = SchemaHistory.releasedVersions(current.getFullName()).stream()
                .map(SchemaNormalization::parsingFingerprint64)
                .toList();

        assertThat(released)
                .as(
                        "%s changed: add it to schemas/src/main/resources/io/dsp/schemas/history as the next v<N>.avsc"
                                + " (the generated class's SCHEMA$, pretty-printed) and list it in history/index",
                        current.getFullName())
                .contains(SchemaNormalization.parsingFingerprint64(current));
    }

    @ParameterizedTest
    @FieldSource("CONTRACTS")
    void currentSchemaIsBackwardAndForwardCompatibleWithEveryReleasedVersion(Class<?> type) {
        Schema current = SpecificData.get().getSchema(type);

        assertThat(MutualCompatibility.problems(current, SchemaHistory.releasedVersions(current.getFullName())))
                .isEmpty();
    }

    @Test
    void everyReleasedRecordIsACurrentContract() {
        assertThat(SchemaHistory.recordNames())
                .containsExactlyInAnyOrderElementsOf(CONTRACTS.stream()
                        .map(c -> SpecificData.get().getSchema(c).getFullName())
                        .toList());
    }

    @Test
    void addingARequiredFieldIsRejectedBecauseOldRecordsLackIt() {
        Schema released = new Schema.Parser().parse("""
                {"type":"record","name":"T","fields":[{"name":"a","type":"string"}]}""");
        Schema candidate = new Schema.Parser().parse("""
                {"type":"record","name":"T","fields":[{"name":"a","type":"string"},{"name":"b","type":"int"}]}""");

        assertThat(MutualCompatibility.problems(candidate, List.of(released)))
                .singleElement()
                .asString()
                .startsWith("backward")
                .contains("READER_FIELD_MISSING_DEFAULT");
    }

    @Test
    void addingAnEnumSymbolWithoutAReaderDefaultIsRejectedBecauseOldReadersCannotMapIt() {
        Schema released = new Schema.Parser().parse("""
                {"type":"record","name":"T","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}]}""");
        Schema candidate = new Schema.Parser().parse("""
                {"type":"record","name":"T","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}]}""");

        assertThat(MutualCompatibility.problems(candidate, List.of(released)))
                .anySatisfy(p -> assertThat(p).startsWith("forward").contains("MISSING_ENUM_SYMBOLS"));
    }

    @Test
    void addingAnOptionalFieldWithADefaultIsAccepted() {
        Schema released = new Schema.Parser().parse("""
                {"type":"record","name":"T","fields":[{"name":"a","type":"string"}]}""");
        Schema candidate = new Schema.Parser().parse("""
                {"type":"record","name":"T","fields":[{"name":"a","type":"string"},
                 {"name":"b","type":["null","int"],"default":null}]}""");

        assertThat(MutualCompatibility.problems(candidate, List.of(released))).isEmpty();
    }
}
