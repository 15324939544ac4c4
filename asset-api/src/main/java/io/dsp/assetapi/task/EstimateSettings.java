package io.dsp.assetapi.task;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the estimated wait of a waiting task is computed.
 *
 * @param alpha weight of the newest observed service time in the moving average (exponentially weighted, per task
 *     type), between 0 (exclusive) and 1; default 0.3
 * @param maxAge a service time observed longer ago than this no longer counts (the fleet or the work may have
 *     changed), so the estimate is null again; default 24 hours
 */
@Validated
@ConfigurationProperties("dsp.asset-api.estimates")
public record EstimateSettings(
        @DecimalMin(value = "0.0", inclusive = false) @DecimalMax("1.0") @DefaultValue("0.3")
        double alpha,

        @NotNull @DefaultValue("24h") Duration maxAge) {}
