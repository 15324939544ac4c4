package io.dsp.assetapi.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FleetSettingsTest {

    @Test
    void withoutAConfiguredTokenNothingIsAuthorised() {
        assertThat(new FleetSettings(null).authorises("Bearer ")).isFalse();
        assertThat(new FleetSettings(" ").authorises("Bearer  ")).isFalse();
        assertThat(new FleetSettings(null).authorises(null)).isFalse();
    }

    @Test
    void onlyTheExactBearerTokenIsAuthorised() {
        FleetSettings fleet = new FleetSettings("s3cret");
        assertThat(fleet.authorises("Bearer s3cret")).isTrue();
        assertThat(fleet.authorises("Bearer s3cre")).isFalse();
        assertThat(fleet.authorises("s3cret")).isFalse();
        assertThat(fleet.authorises("Basic s3cret")).isFalse();
        assertThat(fleet.authorises(null)).isFalse();
    }
}
