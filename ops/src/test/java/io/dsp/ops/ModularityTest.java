package io.dsp.ops;

import io.dsp.testkit.ModuleBoundaries;
import org.junit.jupiter.api.Test;

class ModularityTest {

    @Test
    void featurePackagesKeepTheirBoundaries() {
        ModuleBoundaries.verify(OpsMain.class);
    }
}
