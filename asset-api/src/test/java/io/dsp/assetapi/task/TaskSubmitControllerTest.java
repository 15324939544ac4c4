package io.dsp.assetapi.task;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskSubmitControllerTest {

    @Test
    void aKeyNamesTheSameTaskForOneLicenseAndDifferentTasksForTwo() {
        assertThat(TaskSubmitController.derive("LIC-A", "order-1"))
                .isEqualTo(TaskSubmitController.derive("LIC-A", "order-1"))
                .hasSize(32)
                .matches("[0-9a-f]+");
        assertThat(TaskSubmitController.derive("LIC-A", "order-1"))
                .isNotEqualTo(TaskSubmitController.derive("LIC-B", "order-1"))
                .isNotEqualTo(TaskSubmitController.derive("LIC-A", "order-2"));
        // The separator keeps (license, key) pairs apart that would concatenate alike.
        assertThat(TaskSubmitController.derive("LIC-A", "1")).isNotEqualTo(TaskSubmitController.derive("LIC-A1", ""));
    }
}
