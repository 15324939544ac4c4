package io.dsp.core.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientRequestIdsTest {

    @Test
    void theSameChosenIdOfTwoLicensesNamesTwoTasksAndEachClientSeesItsOwnId() {
        String a = ClientRequestIds.scoped("LIC-A", "pip_1");
        String b = ClientRequestIds.scoped("LIC-B", "pip_1");

        assertThat(a).isNotEqualTo(b).endsWith("-pip_1").startsWith("c");
        assertThat(ClientRequestIds.shown("LIC-A", a)).isEqualTo("pip_1");
        assertThat(ClientRequestIds.shown("LIC-B", b)).isEqualTo("pip_1");
    }

    @Test
    void anIdIsShownAsItIsToEveryoneButTheLicenseThatScopedIt() {
        String a = ClientRequestIds.scoped("LIC-A", "pip_1");

        assertThat(ClientRequestIds.shown("LIC-B", a)).isEqualTo(a);
        assertThat(ClientRequestIds.shown("LIC-A", "gt_65f1")).isEqualTo("gt_65f1");
        assertThat(ClientRequestIds.shown("LIC-A", "c-not-scoped")).isEqualTo("c-not-scoped");
        assertThat(ClientRequestIds.shown("LIC-A", null)).isNull();
    }

    @Test
    void anIdThatLooksScopedForAnotherLicenseIsScopedAgainNotTrusted() {
        String foreign = ClientRequestIds.scoped("LIC-B", "x");
        String chosenByA = ClientRequestIds.scoped("LIC-A", foreign);

        assertThat(chosenByA).isNotEqualTo(foreign);
        assertThat(ClientRequestIds.shown("LIC-A", chosenByA)).isEqualTo(foreign);
    }
}
