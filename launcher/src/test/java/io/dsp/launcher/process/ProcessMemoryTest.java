package io.dsp.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {

    @Test
    void readsVmRssInBytes() {
        assertThat(ProcessMemory.parseVmRss(List.of("Name:\tjava", "VmPeak:\t 999 kB", "VmRSS:\t  204604 kB")))
                .hasValue(204604L * 1024);
    }

    @Test
    void findsNothingForAProcessWithoutResidentMemory() {
        assertThat(ProcessMemory.parseVmRss(List.of("Name:\tkthreadd", "State:\tS (sleeping)")))
                .isEmpty();
    }

    @Test
    void measuresThisJvm() {
        assertThat(ProcessMemory.rssBytes(ProcessHandle.current().pid()).orElseThrow())
                .isPositive();
    }

    @Test
    void showsMegabytes() {
        assertThat(ProcessMemory.megabytes(204604L * 1024)).isEqualTo("200 MB");
    }
}
