package io.dsp.ops.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void namesTheOriginalOfARerunAndNumbersIt() {
        assertThat(RequestIds.rerun("del_asset_65f1", 2)).isEqualTo("del_asset_65f1:rerun-2");
        assertThat(RequestIds.original("del_asset_65f1:rerun-2")).isEqualTo("del_asset_65f1");
        assertThat(RequestIds.rerunNumber("del_asset_65f1:rerun-2")).isEqualTo(2);
    }

    @Test
    void treatsAnyOtherIdAsAnOriginalEvenWithColons() {
        assertThat(RequestIds.original("gt_1:2:rerun-x")).isEqualTo("gt_1:2:rerun-x");
        assertThat(RequestIds.rerunNumber("gt_1:2")).isZero();
    }

    @Test
    void refusesRerunNumberZero() {
        assertThatThrownBy(() -> RequestIds.rerun("a", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
