package io.dsp.gateway.monitor;

import static io.dsp.gateway.protocol.FrameFields.copy;
import static io.dsp.gateway.protocol.FrameFields.orDefault;
import static io.dsp.gateway.protocol.FrameFields.putIfSet;
import static io.dsp.gateway.protocol.FrameFields.text;

import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.connection.Connections;
import io.dsp.gateway.connection.Role;
import io.dsp.gateway.fleet.FleetWatch;
import io.dsp.gateway.protocol.FrameFamily;
import io.dsp.gateway.protocol.FrameRoute;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import io.dsp.gateway.relay.Relay;
import io.dsp.schemas.avro.RelayTarget;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The power manager ({@code gpu_monitor}) and what clients ask of it: boot requests and status queries go to monitors,
 * their answers and online notices to clients.
 */
@Component
class MonitorFrames implements FrameFamily {

    private final Connections connections;
    private final FleetWatch fleet;
    private final Relay relay;
    private final JsonMapper json;
    private final Clock clock;

    MonitorFrames(Connections connections, FleetWatch fleet, Relay relay, JsonMapper json, Clock clock) {
        this.connections = connections;
        this.fleet = fleet;
        this.relay = relay;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public List<FrameRoute> routes() {
        FrameRoute.Handler online = (from, type, frame) -> powerOnline(from, frame);
        return List.of(
                FrameRoute.open(MessageType.GPU_POWER_ONLINE, online),
                FrameRoute.open(MessageType.GPU_ONLINE, online),
                FrameRoute.open(MessageType.GPU_POWER_BOOT, (from, type, frame) -> {
                    Map<String, Object> boot = Frames.of(MessageType.GPU_POWER_BOOT);
                    boot.put("source", "client");
                    boot.put("fd", from.fd());
                    boot.put(
                            "request_id",
                            orDefault(text(frame, "request_id"), Frames.uniqueId("boot_", clock.instant())));
                    boot.put("msg", orDefault(text(frame, "msg"), "请求启动GPU"));
                    toMonitors(from, boot);
                }),
                FrameRoute.open(MessageType.GPU_STATUS_QUERY, (from, type, frame) -> {
                    Map<String, Object> query = Frames.of(MessageType.GPU_STATUS_QUERY);
                    query.put("source", "client");
                    query.put("sender_fd", from.fd());
                    query.put(
                            "request_id",
                            orDefault(text(frame, "request_id"), Frames.uniqueId("sq_", clock.instant())));
                    toMonitors(from, query);
                }),
                FrameRoute.requiring(
                        MessageType.GPU_STATUS_RESPONSE,
                        Role.MONITOR,
                        "仅 gpu_monitor 可发送 gpu.status.response",
                        (from, type, frame) -> relay.everywhere(RelayTarget.CLIENTS, null, statusResponse(frame))),
                FrameRoute.requiring(
                        MessageType.GPU_POWER_BOOT_RESULT,
                        Role.MONITOR,
                        "仅 gpu_monitor 可发送 gpu.power.boot.result",
                        (from, type, frame) -> relay.everywhere(
                                RelayTarget.CLIENTS,
                                null,
                                copy(json, frame, "type", "request_id", "success", "status", "msg"))));
    }

    /**
     * Monitors on every instance for a registered sender; only this instance's for an unregistered one (legacy lets
     * any connection ask, but an anonymous connection must not make every gateway write to Kafka).
     */
    private void toMonitors(Connection from, Map<String, Object> frame) {
        if (from.role() == Role.NONE) {
            connections.sendToRole(Role.MONITOR, frame);
        } else {
            relay.everywhere(RelayTarget.MONITORS, null, frame);
        }
    }

    /**
     * A worker's duplicate {@code gpu.power.online} after {@code register} is not broadcast again (legacy defect 4); a
     * monitor's is relayed only while a worker is online: "VM running" alone is not a GPU that takes work, and clients
     * get the broadcast when the worker registers.
     */
    private void powerOnline(Connection from, JsonNode frame) {
        if (from.role() != Role.MONITOR || !fleet.isOnline()) {
            return;
        }
        Instant now = clock.instant();
        Map<String, Object> online = Frames.powerOnline(0, now);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) online.get("data");
        data.remove("source");
        data.remove("worker_fd");
        data.put("from", "gpu_monitor");
        putIfSet(data, "request_id", text(frame, "request_id"));
        relay.everywhere(RelayTarget.CLIENTS, null, Frames.gpuOnline());
        relay.everywhere(RelayTarget.CLIENTS, null, online);
    }

    private static Map<String, Object> statusResponse(JsonNode frame) {
        String state = orDefault(text(frame, "State"), text(frame, "state"));
        String status = orDefault(text(frame, "status"), "unknown");
        if ("Initializing".equalsIgnoreCase(state)) {
            status = "starting";
        }
        Map<String, Object> out = Frames.of(MessageType.GPU_STATUS_RESPONSE);
        out.put("status", status);
        putIfSet(out, "State", state);
        putIfSet(out, "request_id", text(frame, "request_id"));
        out.put("fresh", frame.path("fresh").asBoolean(false));
        return out;
    }
}
