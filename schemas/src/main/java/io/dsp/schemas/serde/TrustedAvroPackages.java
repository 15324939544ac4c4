package io.dsp.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate generated classes it has not been told to trust. The project's generated classes
 * live in one package and trust it themselves, from their static initialiser, so no service, test or tool needs a
 * system property or start-up code for it.
 */
public final class TrustedAvroPackages {

    static final String GENERATED_PACKAGE = "io.dsp.schemas.avro";

    private static volatile boolean registered;

    private TrustedAvroPackages() {}

    /** Called from every generated record's static initialiser (see src/main/avro-templates/record.vm). */
    public static synchronized void register() {
        if (registered) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                previous, type -> type.getName().startsWith(GENERATED_PACKAGE + ".")));
        registered = true;
    }
}
