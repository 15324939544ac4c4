package io.dsp.kafkauiserde;

import io.dsp.testkit.ModuleBoundaries;
import org.junit.jupiter.api.Test;

class ModularityTest {

    /** The plug-in knows the topics through the schemas module only, never through a service's code. */
    @Test
    void thePluginDependsOnNoServiceAndHasNoCycles() {
        ModuleBoundaries.verify(DspSerde.class);
    }
}
