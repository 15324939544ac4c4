package io.dsp.dispatcher;

import io.dsp.testkit.ModuleBoundaries;
import org.junit.jupiter.api.Test;

class ModularityTest {

    @Test
    void featurePackagesKeepTheirBoundaries() {
        ModuleBoundaries.verify(DispatcherApplication.class);
    }
}
