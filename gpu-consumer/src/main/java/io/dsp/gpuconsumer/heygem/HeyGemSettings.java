package io.dsp.gpuconsumer.heygem;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of {@code heygem_submit}: which engine synthesises, and each engine's knobs.
 *
 * @param engine {@code simulated} (default: demos, tests, hosts without a GPU) or {@code http} (the legacy HeyGem
 *     server on this host)
 * @param simulated the simulated engine's knobs
 * @param http how to reach and drive the legacy HeyGem server
 */
@Validated
@ConfigurationProperties("dsp.gpu-consumer.heygem")
public record HeyGemSettings(
        @NotNull @DefaultValue("simulated") Engine engine,
        @Valid @NotNull @DefaultValue Simulated simulated,
        @Valid @NotNull @DefaultValue Http http) {

    public enum Engine {
        SIMULATED,
        HTTP
    }

    /**
     * @param duration how long one synthesis takes; default 10 s
     * @param progressSteps progress reports during it, evenly spaced (1-100); default 10
     * @param failureRate share of syntheses that fail for good half-way, as a bad video would (0.0-1.0); default 0
     * @param resultSize size of the stand-in video it writes (padding after a text line), to try result transfers of
     *     a real video's size; default 0 (the text line only)
     */
    public record Simulated(
            @NotNull @DefaultValue("10s") Duration duration,
            @Min(1) @Max(100) @DefaultValue("10") int progressSteps,

            @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0")
            double failureRate,

            @NotNull @DefaultValue("0B") DataSize resultSize) {}

    /**
     * @param baseUrl the HeyGem server; default {@code http://127.0.0.1:8383}, its default port
     * @param apiSecret its {@code server.api_secret}, sent as {@code Authorization: Bearer}; blank (default) sends
     *     none, for a server with auth off
     * @param pollInterval how often progress is asked for; default 2 s (the PC client's rate)
     * @param requestTimeout longest wait for one reply; default 30 s
     * @param taskTimeout longest synthesis before the attempt gives up and the task is retried; default 30 min (the
     *     PC client gives up after 1,800 s)
     */
    public record Http(
            @NotNull @DefaultValue("http://127.0.0.1:8383") URI baseUrl,
            @NotNull @DefaultValue("") String apiSecret,
            @NotNull @DefaultValue("2s") Duration pollInterval,
            @NotNull @DefaultValue("30s") Duration requestTimeout,
            @NotNull @DefaultValue("30m") Duration taskTimeout) {}
}
