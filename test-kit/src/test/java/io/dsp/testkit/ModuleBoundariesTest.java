package io.dsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

class ModuleBoundariesTest {

    private static final String SAMPLE = "io.dsp.testkit.boundaries.sample";

    @Test
    void aFeatureMayUseItsOwnInternalPackage() {
        JavaClasses classes = new ClassFileImporter().importPackages(SAMPLE + ".alpha");

        EvaluationResult result =
                ModuleBoundaries.internalPackagesStayInTheirFeature(SAMPLE).evaluate(classes);

        assertThat(result.hasViolation()).isFalse();
    }

    @Test
    void anotherFeatureUsingThatInternalPackageBreaksTheRule() {
        JavaClasses classes = new ClassFileImporter().importPackages(SAMPLE);

        EvaluationResult result =
                ModuleBoundaries.internalPackagesStayInTheirFeature(SAMPLE).evaluate(classes);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .singleElement()
                .asString()
                .contains("Intruder")
                .contains("Helper");
    }
}
