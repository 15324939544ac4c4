package io.dsp.gateway.worker;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;
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
 */
@Validated
@ConfigurationProperties("dsp.gateway.worker-kinds")
public record WorkerKindSettings(
        @NotNull @DefaultValue("automation") LegacyWorkerKind bareRegister,
        @NotEmpty @DefaultValue({"url", "chatglm_video"}) List<String> automationTaskTypes) {}
