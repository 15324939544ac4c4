package io.dsp.assetapi.readmodel;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.dsp.schemas.avro.DeviceBinding;
import io.dsp.schemas.avro.License;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The read-model lookups every request makes: its license, its device binding, and whether any worker is online (which
 * decides whether a new task records {@code QUEUED}). Each is held for {@code dsp.asset-api.lookups.ttl}, so that a
 * request costs no state-store read, Avro decode or scan of the fleet (issue 18). The read models follow Kafka and are a
 * moment behind it anyway; this adds at most the ttl to that. A change written through this instance drops its entry
 * at once ({@link #forgetLicense}, {@link #forgetBinding}), so it is usually seen as soon as the read model has it (a
 * request that reads the old value in between holds it for the ttl). Only what was found is held: a license created
 * or a binding made a moment ago is looked up again by the next request.
 */
@Component
public class CachedLookups {

    private static final String ANY_WORKER = "any";

    private final Function<String, Optional<License>> readLicense;
    private final Function<String, Optional<DeviceBinding>> readBinding;
    private final Cache<String, License> licenses;
    private final Cache<String, DeviceBinding> bindings;
    private final Cache<String, Boolean> online;

    @Autowired
    CachedLookups(ReadModels readModels, LookupSettings settings) {
        this(readModels::license, readModels::deviceBinding, settings, Ticker.systemTicker());
    }

    CachedLookups(
            Function<String, Optional<License>> readLicense,
            Function<String, Optional<DeviceBinding>> readBinding,
            LookupSettings settings,
            Ticker ticker) {
        this.readLicense = readLicense;
        this.readBinding = readBinding;
        this.licenses = cache(settings, ticker);
        this.bindings = cache(settings, ticker);
        this.online = cache(settings, ticker);
    }

    private static <V> Cache<String, V> cache(LookupSettings settings, Ticker ticker) {
        return Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterWrite(settings.ttl())
                .maximumSize(settings.ttl().isZero() ? 0 : settings.maxEntries())
                .build();
    }

    public Optional<License> license(String licenseKey) {
        return held(licenses, licenseKey, () -> readLicense.apply(licenseKey));
    }

    public Optional<DeviceBinding> deviceBinding(String bindingKey) {
        return held(bindings, bindingKey, () -> readBinding.apply(bindingKey));
    }

    /** Whether any worker is online: {@code check}'s answer, held for the ttl like the other lookups. */
    public boolean anyWorkerOnline(BooleanSupplier check) {
        return online.get(ANY_WORKER, k -> check.getAsBoolean());
    }

    /** Drops a license this instance just changed, so that its next request reads the change. */
    public void forgetLicense(String licenseKey) {
        licenses.invalidate(licenseKey);
    }

    /** Drops a binding this instance just changed. */
    public void forgetBinding(String bindingKey) {
        bindings.invalidate(bindingKey);
    }

    private static <V> Optional<V> held(Cache<String, V> cache, String key, Supplier<Optional<V>> read) {
        V cached = cache.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<V> found = read.get();
        found.ifPresent(value -> cache.put(key, value));
        return found;
    }
}
