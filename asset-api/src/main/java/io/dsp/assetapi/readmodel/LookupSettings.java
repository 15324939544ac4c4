package io.dsp.assetapi.readmodel;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long the lookups every request makes are held ({@link CachedLookups}).
 *
 * @param ttl how long a license, a device binding or "a worker is online" is held before the read model is asked
 *     again; 0 asks it on every request. Adds at most this much to how late a change is seen (one made through
 *     this instance usually not at all); default 1 s
 * @param maxEntries licenses and device bindings held at most, each; default 100,000
 */
@Validated
@ConfigurationProperties("dsp.asset-api.lookups")
public record LookupSettings(
        @NotNull @DefaultValue("1s") Duration ttl,
        @Min(1) @DefaultValue("100000") int maxEntries) {

    public LookupSettings {
        if (ttl != null && ttl.isNegative()) {
            throw new IllegalArgumentException("dsp.asset-api.lookups.ttl must be 0 or more, was " + ttl);
        }
    }
}
