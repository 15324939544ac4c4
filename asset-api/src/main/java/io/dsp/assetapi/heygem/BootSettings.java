package io.dsp.assetapi.heygem;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The boot trigger of {@code POST /api/heygem/health/proxy}.
 *
 * @param minInterval shortest time between two boot requests this instance sends to the power managers; health polls
 *     come every few seconds from every waiting app, and one request per window is all a power manager needs; default
 *     30 s
 */
@Validated
@ConfigurationProperties("dsp.asset-api.boot")
public record BootSettings(@NotNull @DefaultValue("30s") Duration minInterval) {}
