package io.dsp.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.connection.Role;
import io.dsp.gateway.protocol.FrameFamily;
import io.dsp.gateway.protocol.FrameRoute;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FrameRegistryTest {

    final JsonMapper json = JsonMapper.builder().build();
    final List<MessageType> handled = new ArrayList<>();

    FrameFamily family(FrameRoute... routes) {
        return () -> List.of(routes);
    }

    JsonNode frame(String text) {
        return json.readTree(text);
    }

    @Test
    void aSenderWithoutTheRequiredRoleGetsTheRefusalAndTheHandlerDoesNotRun() throws Exception {
        FrameRegistry registry = new FrameRegistry(List.of(family(FrameRoute.requiring(
                MessageType.GPU_JOB_CANCEL, Role.CLIENT, "仅已注册的客户端可取消任务", (from, type, frame) -> handled.add(type)))));
        Connection monitor = mock(Connection.class);
        when(monitor.role()).thenReturn(Role.MONITOR);

        registry.dispatch(
                monitor, MessageType.GPU_JOB_CANCEL, frame("{\"type\":\"gpu.job.cancel\",\"request_id\":\"r1\"}"));

        verify(monitor).send(Frames.error("仅已注册的客户端可取消任务", "r1"));
        assertThat(handled).isEmpty();
    }

    @Test
    void aSenderWithTheRoleReachesTheHandlerOfItsType() throws Exception {
        FrameRegistry registry = new FrameRegistry(List.of(
                family(FrameRoute.requiring(
                        MessageType.GPU_JOB_CANCEL, Role.CLIENT, "refused", (from, type, frame) -> handled.add(type))),
                family(FrameRoute.open(MessageType.PING, (from, type, frame) -> handled.add(type)))));
        Connection client = mock(Connection.class);
        when(client.role()).thenReturn(Role.CLIENT);

        registry.dispatch(client, MessageType.GPU_JOB_CANCEL, frame("{\"type\":\"gpu.job.cancel\"}"));
        registry.dispatch(client, MessageType.PING, frame("{\"type\":\"ping\"}"));

        assertThat(handled).containsExactly(MessageType.GPU_JOB_CANCEL, MessageType.PING);
    }

    @Test
    void aTypeNoFamilyRoutesIsOneOnlyTheGatewaySends() throws Exception {
        FrameRegistry registry = new FrameRegistry(List.of());
        Connection anyone = mock(Connection.class);
        when(anyone.role()).thenReturn(Role.NONE);

        registry.dispatch(anyone, MessageType.KICKED, frame("{\"type\":\"kicked\",\"request_id\":\"r2\"}"));

        verify(anyone).send(Frames.error("该消息类型只由网关发送: kicked", "r2"));
    }

    @Test
    void aTypeRoutedTwiceIsRefusedAtStart() {
        FrameRoute ping = FrameRoute.open(MessageType.PING, (from, type, frame) -> {});
        assertThatThrownBy(() -> new FrameRegistry(List.of(family(ping), family(ping))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PING");
    }
}
