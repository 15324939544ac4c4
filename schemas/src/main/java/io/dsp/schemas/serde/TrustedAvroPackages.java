package io.dsp.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate generated classes it has not been told to trust. The project's generated classes
 * live in one package; trusting it here, once, keeps that rule out of every service's start-up code.
 */
final class TrustedAvroPackages {

    static final String GENERATED_PACKAGE = "io.dsp.schemas.avro";

    private static volatile boolean registered;

    private TrustedAvroPackages() {}

    static synchronized void register() {
        if (registered) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                previous, type -> type.getName().startsWith(GENERATED_PACKAGE + ".")));
        registered = true;
    }
}
