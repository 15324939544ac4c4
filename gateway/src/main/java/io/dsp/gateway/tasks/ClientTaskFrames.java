package io.dsp.gateway.tasks;

import io.dsp.gateway.client.ClientIntake;
import io.dsp.gateway.connection.Role;
import io.dsp.gateway.protocol.FrameFamily;
import io.dsp.gateway.protocol.FrameRoute;
import io.dsp.gateway.protocol.MessageType;
import java.util.List;
import org.springframework.stereotype.Component;

/** Client tasks: a registered client submits a task to the fleet or cancels one of its own. */
@Component
class ClientTaskFrames implements FrameFamily {

    private static final String SUBMIT_REFUSED = "仅已注册的客户端可提交任务（请先 register 并提供 key）";

    private final ClientIntake intake;

    ClientTaskFrames(ClientIntake intake) {
        this.intake = intake;
    }

    @Override
    public List<FrameRoute> routes() {
        FrameRoute.Handler submit = (from, type, frame) -> from.send(intake.submit(from, frame));
        return List.of(
                FrameRoute.requiring(MessageType.GPU_JOB_SUBMIT, Role.CLIENT, SUBMIT_REFUSED, submit),
                FrameRoute.requiring(MessageType.GPU_TASK, Role.CLIENT, SUBMIT_REFUSED, submit),
                FrameRoute.requiring(
                        MessageType.GPU_JOB_CANCEL,
                        Role.CLIENT,
                        "仅已注册的客户端可取消任务",
                        (from, type, frame) -> from.send(intake.cancel(from, frame))));
    }
}
