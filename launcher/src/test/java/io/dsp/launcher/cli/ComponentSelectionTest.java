package io.dsp.launcher.cli;

import static io.dsp.launcher.stack.Service.ASSET_API;
import static io.dsp.launcher.stack.Service.CONSOLE;
import static io.dsp.launcher.stack.Service.DISPATCHER;
import static io.dsp.launcher.stack.Service.GATEWAY;
import static io.dsp.launcher.stack.Service.GPU_CONSUMER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComponentSelectionTest {

    @Test
    void startsEveryServiceByDefault() {
        assertThat(ComponentSelection.select(null, null))
                .containsExactly(ASSET_API, DISPATCHER, GATEWAY, GPU_CONSUMER, CONSOLE);
    }

    @Test
    void leavesOutWhatWithoutNames() {
        assertThat(ComponentSelection.select(null, List.of("gpu-consumer")))
                .containsExactly(ASSET_API, DISPATCHER, GATEWAY, CONSOLE);
    }

    @Test
    void startsOnlyWhatOnlyNamesInStartOrder() {
        assertThat(ComponentSelection.select(List.of("gateway", "asset-api"), null))
                .containsExactly(ASSET_API, GATEWAY);
    }

    @Test
    void startsTheConsoleAloneWithTheBroker() {
        assertThat(ComponentSelection.select(List.of("console"), null)).containsExactly(CONSOLE);
    }

    @Test
    void startsTheBrokerAloneForOnlyKafka() {
        assertThat(ComponentSelection.select(List.of("kafka"), null)).isEmpty();
    }

    @Test
    void startsTheBrokerAloneWhenEveryServiceIsLeftOut() {
        assertThat(ComponentSelection.select(
                        null, List.of("asset-api", "dispatcher", "gateway", "gpu-consumer", "console")))
                .isEmpty();
    }

    @Test
    void ignoresEmptyNamesLeftByStrayCommas() {
        assertThat(ComponentSelection.select(null, List.of("", " gateway ")))
                .containsExactly(ASSET_API, DISPATCHER, GPU_CONSUMER, CONSOLE);
    }

    @Test
    void namesTheValidComponentsWhenANameIsUnknown() {
        assertThatThrownBy(() -> ComponentSelection.select(null, List.of("gpu", "gateway")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown name in --without: gpu.")
                .hasMessageContaining("Valid names: kafka, asset-api, dispatcher, gateway, gpu-consumer, console.");
    }

    @Test
    void refusesToLeaveOutTheBroker() {
        assertThatThrownBy(() -> ComponentSelection.select(null, List.of("kafka")))
                .hasMessageContaining("kafka cannot be left out");
    }

    @Test
    void refusesOnlyAndWithoutTogether() {
        assertThatThrownBy(() -> ComponentSelection.select(List.of("gateway"), List.of("dispatcher")))
                .hasMessage("Use either --only or --without, not both.");
    }

    @Test
    void refusesAnEmptyOnly() {
        assertThatThrownBy(() -> ComponentSelection.select(List.of(""), null))
                .hasMessageContaining("--only needs at least one name");
    }
}
