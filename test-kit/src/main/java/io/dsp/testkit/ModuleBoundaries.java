package io.dsp.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
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
                internalPackagesStayInTheirFeature(base),
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

    static ArchRule internalPackagesStayInTheirFeature(String base) {
        return classes()
                .that()
                .resideInAPackage(base + "..internal..")
                .should(beUsedOnlyWithinTheirFeature())
                .because("internal packages are helpers of their own feature")
                .allowEmptyShould(true);
    }

    /**
     * A class in {@code a.b.internal} (or below it) may be used by {@code a.b} and its sub-packages only: the feature
     * the internal package belongs to.
     */
    private static ArchCondition<JavaClass> beUsedOnlyWithinTheirFeature() {
        return new ArchCondition<>("be used only within their feature") {
            @Override
            public void check(JavaClass helper, ConditionEvents events) {
                String name = helper.getPackageName();
                String feature = name.substring(0, name.lastIndexOf(".internal"));
                for (Dependency use : helper.getDirectDependenciesToSelf()) {
                    String user = use.getOriginClass().getPackageName();
                    if (!user.equals(feature) && !user.startsWith(feature + ".")) {
                        events.add(SimpleConditionEvent.violated(use, use.getDescription()));
                    }
                }
            }
        };
    }
}
