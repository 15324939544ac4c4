package io.dsp.gateway.worker;

import io.dsp.gateway.connection.AddressRange;
import java.util.Locale;
import java.util.Optional;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Decides the kind of a worker from its register frame, first rule that applies:
 *
 * <ol>
 *   <li>an explicit {@code "kind": "gpu" | "automation"};
 *   <li>a per-address override ({@code dsp.gateway.worker-kinds.overrides}) matching the connection's address;
 *   <li>{@code version} present: the HeyGem {@code ws_client.py} sends it ({@code ws_worker.py} does not), so GPU;
 *   <li>{@code task_types} declared: automation when every declared type is an automation type, else GPU;
 *   <li>{@code slots} declared (a worker written for this system): GPU;
 *   <li>otherwise (a bare register, as {@code ws_worker.py} sends) {@code dsp.gateway.worker-kinds.bare-register}.
 * </ol>
 */
@Component
@EnableConfigurationProperties(WorkerKindSettings.class)
public class WorkerKinds {

    private final WorkerKindSettings settings;
    private final java.util.List<java.util.Map.Entry<AddressRange, LegacyWorkerKind>> overrides;

    WorkerKinds(WorkerKindSettings settings) {
        this.settings = settings;
        this.overrides = settings.overrides().stream()
                .map(o -> java.util.Map.entry(AddressRange.parse(o.range()), o.kind()))
                .toList();
    }

    /** The kind of the worker that sent this register frame from no known address. */
    public Optional<LegacyWorkerKind> of(JsonNode register) {
        return of(register, null);
    }

    /**
     * The kind of the worker that sent this register frame from this address, or empty when its {@code kind} names
     * none.
     */
    public Optional<LegacyWorkerKind> of(JsonNode register, String remoteAddress) {
        JsonNode kind = register.get("kind");
        if (kind != null) {
            if (!kind.isString()) {
                return Optional.empty();
            }
            return switch (kind.asString().toLowerCase(Locale.ROOT)) {
                case "gpu" -> Optional.of(LegacyWorkerKind.GPU);
                case "automation" -> Optional.of(LegacyWorkerKind.AUTOMATION);
                default -> Optional.empty();
            };
        }
        if (remoteAddress != null) {
            for (var override : overrides) {
                if (override.getKey().contains(remoteAddress)) {
                    return Optional.of(override.getValue());
                }
            }
        }
        if (register.has("version")) {
            return Optional.of(LegacyWorkerKind.GPU);
        }
        JsonNode types = register.get("task_types");
        if (types != null && types.isArray() && !types.isEmpty()) {
            boolean automationOnly = types.valueStream()
                    .allMatch(
                            t -> t.isString() && settings.automationTaskTypes().contains(t.asString()));
            return Optional.of(automationOnly ? LegacyWorkerKind.AUTOMATION : LegacyWorkerKind.GPU);
        }
        if (register.has("slots")) {
            return Optional.of(LegacyWorkerKind.GPU);
        }
        return Optional.of(settings.bareRegister());
    }

    /** The slots one automation worker gets in the automation lane: the sum of its per-type capacity. */
    public int automationSlots(java.util.Collection<String> taskTypes) {
        return taskTypes.stream().mapToInt(settings::capacityOf).sum();
    }

    /** How many tasks of this type one automation worker runs at once. */
    public int capacityOf(String taskType) {
        return settings.capacityOf(taskType);
    }

    /** The task types an automation worker runs unless it declared its own. */
    public java.util.List<String> automationTaskTypes() {
        return settings.automationTaskTypes();
    }
}
