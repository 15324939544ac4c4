package io.dsp.assetapi.heygem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeyGemControllerTest {

    @Test
    void stepsMapToTheGpuServersStatusWords() {
        assertThat(HeyGemController.legacyStatus("accepted")).isEqualTo("queued");
        assertThat(HeyGemController.legacyStatus("queued")).isEqualTo("queued");
        assertThat(HeyGemController.legacyStatus("dispatched")).isEqualTo("queued");
        assertThat(HeyGemController.legacyStatus("started")).isEqualTo("processing");
        assertThat(HeyGemController.legacyStatus("succeeded")).isEqualTo("done");
        assertThat(HeyGemController.legacyStatus("failed")).isEqualTo("error");
        assertThat(HeyGemController.legacyStatus("dead_lettered")).isEqualTo("error");
        assertThat(HeyGemController.legacyStatus("cancelled")).isEqualTo("error");
    }
}
