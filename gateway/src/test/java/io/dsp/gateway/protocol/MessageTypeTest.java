package io.dsp.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MessageTypeTest {

    @Test
    void everyTypeIsFoundByItsWireName() {
        assertThat(MessageType.values())
                .allSatisfy(type ->
                        assertThat(MessageType.fromWire(type.wireName())).contains(type));
        assertThat(Arrays.stream(MessageType.values()).map(MessageType::wireName))
                .doesNotHaveDuplicates();
    }

    @Test
    void legacyAliasesAreTheirOwnTypes() {
        assertThat(MessageType.fromWire("gpu_task")).contains(MessageType.GPU_TASK);
        assertThat(MessageType.fromWire("gpu_task_result")).contains(MessageType.GPU_TASK_RESULT);
        assertThat(MessageType.fromWire("GPU.JOB.SUBMIT")).isEmpty();
    }

    @Test
    void errorFramesCarryTheTextTwiceForOldAndNewClients() {
        assertThat(Frames.error("出错了", "r1"))
                .containsEntry("type", "error")
                .containsEntry("msg", "出错了")
                .containsEntry("message", "出错了")
                .containsEntry("request_id", "r1");
        assertThat(Frames.error("出错了", null)).doesNotContainKey("request_id");
    }
}
