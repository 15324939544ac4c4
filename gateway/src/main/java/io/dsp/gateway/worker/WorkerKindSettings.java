package io.dsp.gateway.worker;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the gateway tells a GPU worker from an automation worker when both register as {@code role:"worker"} (rules in
 * {@link WorkerKinds}).
 *
 * @param bareRegister the kind of a worker whose register frame has nothing but {@code type} and {@code role} (what
 *     the unchanged {@code ws_worker.py} sends); default {@code automation}
 * @param automationTaskTypes the frame types an automation worker runs; default {@code url}, {@code chatglm_video}
 * @param automationCapacity how many tasks of each automation type one automation worker runs at once; its slots in
 *     the automation lane are their sum; default {@code chatglm_video: 4} (ws_worker's four ChatGLM pages),
 *     {@code url: 1} (one transcription at a time)
 * @param overrides per-address kinds, first match wins, checked after an explicit {@code kind} and before every other
 *     rule: {@code dsp.gateway.worker-kinds.overrides[0].range=10.0.5.0/24},
 *     {@code dsp.gateway.worker-kinds.overrides[0].kind=gpu}; default none
 */
@Validated
@ConfigurationProperties("dsp.gateway.worker-kinds")
public record WorkerKindSettings(
        @NotNull @DefaultValue("automation") LegacyWorkerKind bareRegister,
        @NotEmpty @DefaultValue({"url", "chatglm_video"}) List<String> automationTaskTypes,
        Map<String, @Min(1) Integer> automationCapacity,
        List<@Valid AddressOverride> overrides) {

    /**
     * The kind of every worker connecting from an address range.
     *
     * @param range CIDR range ({@code 10.0.5.0/24}, {@code fd00::/8}) or one address
     * @param kind the kind its workers get
     */
    public record AddressOverride(
            @NotBlank String range, @NotNull LegacyWorkerKind kind) {
        public AddressOverride {
            io.dsp.gateway.connection.AddressRange.parse(range); // refused at start-up when it is not a range
        }
    }

    public WorkerKindSettings {
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
        if (automationCapacity == null || automationCapacity.isEmpty()) {
            automationCapacity = Map.of("chatglm_video", 4, "url", 1);
        }
        automationCapacity = Map.copyOf(automationCapacity);
    }

    /** How many tasks of this type one automation worker runs at once (1 for a type not listed). */
    public int capacityOf(String taskType) {
        return automationCapacity.getOrDefault(taskType, 1);
    }
}
