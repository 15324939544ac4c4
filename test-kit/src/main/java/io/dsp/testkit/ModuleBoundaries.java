package io.dsp.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The package rules every service keeps: features (the packages under the application's package) do not depend on
 * each other in cycles, {@code internal} packages are used only by their parent feature, no feature reaches into
 * another service, and dependencies are injected through constructors.
 */
public final class ModuleBoundaries {

    private static final List<String> SERVICES =
            List.of("io.dsp.assetapi", "io.dsp.dispatcher", "io.dsp.gateway", "io.dsp.gpuconsumer");

    private ModuleBoundaries() {}

    /** Checks every rule against the production classes of the module whose application class is given. */
    public static void verify(Class<?> applicationClass) {
        String base = applicationClass.getPackageName();
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(base);
        for (ArchRule rule : rules(base)) {
            rule.check(classes);
        }
    }

    static List<ArchRule> rules(String base) {
        String[] otherServices = SERVICES.stream()
                .filter(s -> !s.equals(base))
                .map(s -> s + "..")
                .toArray(String[]::new);
        return List.of(
                slices().matching(base + ".(*)..").should().beFreeOfCycles().allowEmptyShould(true),
                noClasses()
                        .that()
                        .resideOutsideOfPackage(base + ".(*).internal..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAPackage(base + ".(**).internal..")
                        .because("internal packages are helpers of their own feature")
                        .allowEmptyShould(true),
                noClasses()
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(otherServices)
                        .because("services talk through Kafka and the schemas module, never through each other's code"),
                noFields()
                        .should()
                        .beAnnotatedWith(Autowired.class)
                        .because("dependencies are constructor-injected")
                        .allowEmptyShould(true));
    }
}
