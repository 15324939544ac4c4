package io.dsp.gateway.sync;

import static io.dsp.gateway.protocol.FrameFields.LINKED_MAP;
import static io.dsp.gateway.protocol.FrameFields.copy;
import static io.dsp.gateway.protocol.FrameFields.orDefault;
import static io.dsp.gateway.protocol.FrameFields.text;

import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.connection.Connections;
import io.dsp.gateway.connection.Role;
import io.dsp.gateway.protocol.FrameFamily;
import io.dsp.gateway.protocol.FrameRoute;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import io.dsp.gateway.relay.Relay;
import io.dsp.schemas.avro.RelayTarget;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Between the devices of one license: a mobile's task for its PC and the PC's answer, and {@code sync} frames. */
@Component
class SyncFrames implements FrameFamily {

    private final Connections connections;
    private final Relay relay;
    private final JsonMapper json;
    private final Clock clock;

    SyncFrames(Connections connections, Relay relay, JsonMapper json, Clock clock) {
        this.connections = connections;
        this.relay = relay;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public List<FrameRoute> routes() {
        return List.of(
                // The device checks are the handlers' own: a mobile_task refusal carries the generated request id.
                FrameRoute.open(MessageType.MOBILE_TASK, (from, type, frame) -> mobileTask(from, frame)),
                FrameRoute.open(MessageType.MOBILE_TASK_RESULT, (from, type, frame) -> mobileTaskResult(from, frame)),
                FrameRoute.requiring(
                        MessageType.SYNC, Role.CLIENT, "仅已注册的客户端可发送 sync", (from, type, frame) -> sync(from, frame)));
    }

    private void mobileTask(Connection from, JsonNode frame) {
        String requestId = orDefault(text(frame, "request_id"), Frames.uniqueId("mt_", clock.instant()));
        if (from.role() != Role.CLIENT || !"mobile".equals(from.deviceType())) {
            from.send(Frames.error("仅手机端可发送 mobile_task", requestId));
            return;
        }
        String taskType = text(frame, "task_type");
        Map<String, Object> out = Frames.of(MessageType.MOBILE_TASK);
        out.put("task_type", taskType);
        out.put("request_id", requestId);
        out.put("key", from.key());
        out.put("sender_fd", from.fd());
        out.put("payload", frame.has("payload") ? json.convertValue(frame.get("payload"), Object.class) : Map.of());
        Optional<Connection> pc = connections.device(from.key(), "pc");
        if (pc.isEmpty()) {
            // Perhaps on another instance: the one that has it delivers it and answers with the ack.
            relay.toRemoteDevice(from, out, requestId, "电脑端不在线，请先打开电脑端软件");
            return;
        }
        pc.get().send(out);
        from.send(Frames.ack(requestId, null, "已转发到电脑端 (task_type=" + taskType + ")"));
    }

    private void mobileTaskResult(Connection from, JsonNode frame) {
        if (from.role() != Role.CLIENT || !"pc".equals(from.deviceType())) {
            from.send(Frames.error("仅电脑端可发送 mobile_task_result", text(frame, "request_id")));
            return;
        }
        Map<String, Object> out =
                copy(json, frame, "type", "request_id", "sender_fd", "task_type", "error", "error_msg", "result");
        // sender_fd is only honoured for a connection of the same license: a forged one falls back to the mobile.
        long senderFd = frame.path("sender_fd").asLong(0);
        Optional<Connection> sender = connections
                .byFd(senderFd)
                .filter(c -> c.role() == Role.CLIENT && from.key().equals(c.key()));
        if (sender.isEmpty() && senderFd > 0 && connections.byFd(senderFd).isEmpty()) {
            // Not a connection of this instance: the instance that has it delivers it if it is of this license.
            relay.elsewhere(RelayTarget.LICENSE, from.key(), out);
            return;
        }
        Optional<Connection> target = sender.or(() -> connections.device(from.key(), "mobile"));
        if (target.isEmpty()) {
            from.send(Frames.error("手机端不在线", text(frame, "request_id")));
            return;
        }
        target.get().send(out);
    }

    private void sync(Connection from, JsonNode frame) {
        String target = text(frame, "target_device");
        if (target == null) {
            from.send(Frames.error("目标设备不在线: " + target, text(frame, "request_id")));
            return;
        }
        Optional<Connection> device = connections.device(from.key(), target);
        if (device.isEmpty()) {
            // Perhaps on another instance; a device on none is dropped there, as a frame to a closed fd was.
            relay.elsewhere(RelayTarget.LICENSE, from.key(), json.convertValue(frame, LINKED_MAP));
            return;
        }
        device.get().send(json.convertValue(frame, LINKED_MAP));
    }
}
