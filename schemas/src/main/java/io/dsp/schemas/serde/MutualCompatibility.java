package io.dsp.schemas.serde;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * The evolution rule of every contract: a new schema version must be readable by every released reader (forward) and
 * must read everything every released writer wrote (backward). Services deploy one at a time, so both directions
 * happen in every rolling upgrade.
 */
public final class MutualCompatibility {

    private MutualCompatibility() {}

    /** Problems that stop {@code candidate} from replacing the released versions; empty when it may. */
    public static List<String> problems(Schema candidate, List<Schema> released) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < released.size(); i++) {
            Schema old = released.get(i);
            String version = candidate.getFullName() + " v" + (i + 1);
            describe("backward: the new schema cannot read data written with " + version, candidate, old, problems);
            describe("forward: " + version + " cannot read data written with the new schema", old, candidate, problems);
        }
        return problems;
    }

    private static void describe(String what, Schema reader, Schema writer, List<String> problems) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                .getResult();
        if (result.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
            result.getIncompatibilities()
                    .forEach(i -> problems.add(
                            what + ": " + i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")"));
        }
    }
}
