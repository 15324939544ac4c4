package io.dsp.assetapi.asset;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the asset catalogue.
 *
 * @param ttl how long an uploaded asset lives (legacy {@code asset_ttl_seconds}); expired assets are no longer listed;
 *     default 30 days
 */
@Validated
@ConfigurationProperties("dsp.asset-api.assets")
public record AssetSettings(@NotNull @DefaultValue("30d") Duration ttl) {}
