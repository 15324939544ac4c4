package io.dsp.gateway.session;

import static io.dsp.gateway.protocol.FrameFields.text;

import io.dsp.gateway.GatewaySettings;
import io.dsp.gateway.access.AccessSettings;
import io.dsp.gateway.access.FleetAccess;
import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.connection.Connections;
import io.dsp.gateway.connection.Role;
import io.dsp.gateway.license.DeviceBindings;
import io.dsp.gateway.license.LicenseRegistry;
import io.dsp.gateway.protocol.FrameFamily;
import io.dsp.gateway.protocol.FrameRoute;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import io.dsp.gateway.worker.LegacyWorkerKind;
import io.dsp.gateway.worker.WorkerBridge;
import io.dsp.gateway.worker.WorkerKinds;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** The connection itself: keep-alives, and {@code register}, which gives a connection its role for good. */
@Component
class SessionFrames implements FrameFamily {

    private static final Duration LICENSE_LOOKUP_WAIT = Duration.ofSeconds(3);

    private final Connections connections;
    private final WorkerBridge workers;
    private final LicenseRegistry licenses;
    private final WorkerKinds kinds;
    private final GatewaySettings settings;
    private final Clock clock;
    private final FleetAccess access;
    private final DeviceBindings devices;
    private final AccessSettings.DeviceBindingPolicy devicePolicy;

    SessionFrames(
            Connections connections,
            WorkerBridge workers,
            LicenseRegistry licenses,
            WorkerKinds kinds,
            GatewaySettings settings,
            Clock clock,
            FleetAccess access,
            DeviceBindings devices,
            AccessSettings accessSettings) {
        this.access = access;
        this.devices = devices;
        this.devicePolicy = accessSettings.deviceBinding();
        this.connections = connections;
        this.workers = workers;
        this.licenses = licenses;
        this.kinds = kinds;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public List<FrameRoute> routes() {
        return List.of(
                FrameRoute.open(MessageType.PING, (from, type, frame) -> from.send(Frames.of(MessageType.PONG))),
                FrameRoute.open(MessageType.PONG, (from, type, frame) -> {
                    // a worker's answer to our ping; being heard is all it does
                }),
                FrameRoute.open(MessageType.REGISTER, (from, type, frame) -> register(from, frame)));
    }

    private void register(Connection from, JsonNode frame) {
        String role = text(frame, "role");
        String key = text(frame, "key");
        Map<String, Object> registered = Frames.of(MessageType.REGISTERED);
        if (("worker".equals(role) || "gpu_monitor".equals(role)) && from.role() == Role.NONE) {
            Optional<String> refused = access.refusal(from, role, text(frame, "token"));
            if (refused.isPresent()) {
                from.refuse(Frames.error(refused.get(), null), "fleet access refused");
                return;
            }
        }
        if ("worker".equals(role)) {
            Optional<LegacyWorkerKind> kind = kinds.of(frame, from.remoteAddress());
            if (kind.isEmpty()) {
                from.send(Frames.error("kind 必须是 gpu 或 automation", null));
                return;
            }
            int slots = settings.workerSlots();
            if (frame.has("slots")) {
                JsonNode declared = frame.get("slots");
                if (!declared.isInt() || declared.asInt() < 1 || declared.asInt() > settings.maxWorkerSlots()) {
                    from.send(Frames.error("slots 必须是 1-" + settings.maxWorkerSlots() + " 的整数", null));
                    return;
                }
                slots = declared.asInt();
            }
            Set<String> types = new LinkedHashSet<>(
                    kind.get() == LegacyWorkerKind.GPU ? settings.workerTaskTypes() : kinds.automationTaskTypes());
            if (frame.has("task_types")) {
                JsonNode declared = frame.get("task_types");
                if (!declared.isArray()
                        || declared.isEmpty()
                        || !declared.valueStream().allMatch(JsonNode::isString)) {
                    from.send(Frames.error("task_types 必须是非空字符串数组", null));
                    return;
                }
                types.clear();
                declared.valueStream().forEach(t -> types.add(t.asString()));
            }
            if (kind.get() == LegacyWorkerKind.AUTOMATION
                    && !kinds.automationTaskTypes().containsAll(types)) {
                from.send(Frames.error("automation worker 只能运行 " + kinds.automationTaskTypes(), null));
                return;
            }
            if (!sameRoleOrNone(from, Role.WORKER)) {
                return;
            }
            connections.registerWorker(from);
            // Attached before the answer: a client that submits once the worker is registered is told it is online.
            workers.attach(from, kind.get(), slots, types);
            registered.put("role", "worker");
            from.send(registered);
        } else if ("gpu_monitor".equals(role)) {
            if (!sameRoleOrNone(from, Role.MONITOR)) {
                return;
            }
            connections.registerMonitor(from);
            registered.put("role", "gpu_monitor");
            from.send(registered);
        } else if (key != null) {
            if (key.length() > 256) {
                from.send(Frames.error("key 过长", null));
                return;
            }
            if (!sameRoleOrNone(from, Role.CLIENT)) {
                return;
            }
            if (from.role() == Role.CLIENT && !key.equals(from.key())) {
                from.send(Frames.error("连接已用另一个 key 注册", null));
                return;
            }
            if (settings.validateLicenses() && !licenses.isActive(key, clock.instant(), LICENSE_LOOKUP_WAIT)) {
                if (settings.acceptObservers()
                        && from.role() == Role.NONE
                        && licenses.find(key).isEmpty()) {
                    // Not a license at all: the PC boot helper registers with "gradio_client" or the HeyGem API secret
                    // and only listens for the GPU's power state. A known license that lapsed is refused instead.
                    connections.registerObserver(from);
                    registered.put("key", key);
                    registered.put("device_type", "mobile".equals(text(frame, "device_type")) ? "mobile" : "pc");
                    from.send(registered);
                    return;
                }
                from.send(Frames.error("授权码无效或已过期", null));
                return;
            }
            String deviceType = "mobile".equals(text(frame, "device_type")) ? "mobile" : "pc";
            Optional<String> unbound = deviceRefusal(key, deviceType, frame.get("machine_code"));
            if (unbound.isPresent()) {
                from.send(Frames.error(unbound.get(), null));
                return;
            }
            connections.registerClient(from, key, deviceType);
            registered.put("key", key);
            registered.put("device_type", deviceType);
            from.send(registered);
            connections.clientReady(from);
        } else {
            from.send(Frames.error("注册需要 role (worker / gpu_monitor) 或 key", null));
        }
    }

    /**
     * The license's device binding, as HTTP applies it, for a register that carries {@code machine_code} (or, under
     * {@code REQUIRED}, must): the legacy apps send none on the socket, so by default one without it is let in.
     */
    private Optional<String> deviceRefusal(String key, String deviceType, JsonNode machineCode) {
        if (devicePolicy == AccessSettings.DeviceBindingPolicy.OFF) {
            return Optional.empty();
        }
        if (machineCode == null || machineCode.isNull()) {
            return devicePolicy == AccessSettings.DeviceBindingPolicy.REQUIRED
                    ? Optional.of("缺少 machine_code（设备指纹）")
                    : Optional.empty();
        }
        if (!machineCode.isString()
                || machineCode.asString().isBlank()
                || machineCode.asString().length() > 128) {
            return Optional.of("machine_code 必须是 1-128 个字符的字符串");
        }
        return devices.check(key, deviceType, machineCode.asString(), LICENSE_LOOKUP_WAIT);
    }

    private static boolean sameRoleOrNone(Connection from, Role role) {
        if (from.role() == Role.NONE || from.role() == role) {
            return true;
        }
        from.send(Frames.error("连接已注册为 " + from.role().name().toLowerCase(java.util.Locale.ROOT) + "，不能更改角色", null));
        return false;
    }
}
