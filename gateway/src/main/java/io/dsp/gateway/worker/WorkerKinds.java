package io.dsp.gateway.worker;

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

    WorkerKinds(WorkerKindSettings settings) {
        this.settings = settings;
    }

    /** The kind of the worker that sent this register frame, or empty when its {@code kind} names none. */
    public Optional<LegacyWorkerKind> of(JsonNode register) {
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

    /** The task types an automation worker runs unless it declared its own. */
    public java.util.List<String> automationTaskTypes() {
        return settings.automationTaskTypes();
    }
}
