package io.dsp.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AddressRangeTest {

    @Test
    void anIpv4RangeHoldsTheAddressesOfItsPrefixOnly() {
        AddressRange range = AddressRange.parse("10.0.5.0/24");
        assertThat(range.contains("10.0.5.7")).isTrue();
        assertThat(range.contains("10.0.6.7")).isFalse();
        assertThat(AddressRange.parse("172.16.0.0/12").contains("172.31.255.1")).isTrue();
        assertThat(AddressRange.parse("172.16.0.0/12").contains("172.32.0.1")).isFalse();
        assertThat(AddressRange.parse("127.0.0.1").contains("127.0.0.1")).isTrue();
        assertThat(AddressRange.parse("0.0.0.0/0").contains("8.8.8.8")).isTrue();
    }

    @Test
    void ipv6RangesAndFamiliesAreKeptApart() {
        AddressRange range = AddressRange.parse("fd00::/8");
        assertThat(range.contains("fd12:3456::1")).isTrue();
        assertThat(range.contains("fe80::1")).isFalse();
        assertThat(range.contains("10.0.0.1")).isFalse();
        assertThat(AddressRange.parse("10.0.0.0/8").contains("::1")).isFalse();
    }

    @Test
    void namesAndMalformedRangesAreRefusedAndNeverLookedUp() {
        assertThatThrownBy(() -> AddressRange.parse("gpu-host-1/24")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressRange.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressRange.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressRange.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(AddressRange.parse("10.0.0.0/8").contains("localhost")).isFalse();
        assertThat(AddressRange.parse("10.0.0.0/8").contains(null)).isFalse();
    }
}
