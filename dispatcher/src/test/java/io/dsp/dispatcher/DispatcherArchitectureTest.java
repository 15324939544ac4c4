package io.dsp.dispatcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** Package boundaries of the dispatcher: what the fleet knows stands on its own; the release loop builds on it. */
class DispatcherArchitectureTest {

    private static final String FLEET = "io.dsp.dispatcher.fleet..";
    private static final String RELEASE = "io.dsp.dispatcher.release..";

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.dsp.dispatcher");

    @Test
    void fleetDoesNotDependOnRelease() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage(FLEET)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(RELEASE);

        rule.check(MAIN);
    }

    @Test
    void dependencyRulesSeeTheDependenciesThatDoExist() {
        // The reverse direction is real (the release loop sizes its window from the fleet view), so a rule against it
        // must report it: proof that the rules above look at the right packages and could fail.
        ArchRule reverse = noClasses()
                .that()
                .resideInAPackage(RELEASE)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(FLEET);

        assertThat(reverse.evaluate(MAIN).hasViolation()).isTrue();
    }
}
