package io.dsp.launcher.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HealthProbeTest {

    @Test
    void countsAnActuatorUpAsReady() {
        assertThat(HealthProbe.isUp(200, "{\"status\":\"UP\",\"groups\":[\"liveness\"]}"))
                .isTrue();
        assertThat(HealthProbe.isUp(200, "{ \"status\" : \"UP\" }")).isTrue();
    }

    @Test
    void countsAnythingElseAsNotYet() {
        assertThat(HealthProbe.isUp(503, "{\"status\":\"DOWN\"}")).isFalse();
        assertThat(HealthProbe.isUp(200, "{\"status\":\"OUT_OF_SERVICE\"}")).isFalse();
        assertThat(HealthProbe.isUp(404, "{\"status\":\"UP\"}")).isFalse();
        assertThat(HealthProbe.isUp(200, "")).isFalse();
    }
}
