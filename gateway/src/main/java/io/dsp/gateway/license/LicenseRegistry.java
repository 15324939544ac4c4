package io.dsp.gateway.license;

import io.dsp.core.license.LicenseValidity;
import io.dsp.schemas.avro.License;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;

/**
 * The license registry as this instance knows it: every record of the compacted {@code dsp.licenses}, fed by the
 * gateway's state view. A key it has not seen yet makes it catch up with the topic's end before answering, so a
 * license issued a moment ago is found.
 */
@Component
public class LicenseRegistry {

    /** Waits until the registry holds everything written to {@code dsp.licenses} before the call. */
    @FunctionalInterface
    public interface CatchUp {
        void awaitEnd(Duration wait) throws InterruptedException, TimeoutException;
    }

    private final Map<String, License> licenses = new ConcurrentHashMap<>();
    private volatile CatchUp catchUp = wait -> {
        throw new TimeoutException("dsp.licenses is not followed yet");
    };

    /** Set by the view that feeds the registry, before the endpoint opens. */
    public void catchUpWith(CatchUp catchUp) {
        this.catchUp = catchUp;
    }

    /** Applies one record of {@code dsp.licenses}; a {@code null} value (tombstone) removes the key. */
    public void apply(String key, License license) {
        if (license == null) {
            licenses.remove(key);
        } else {
            licenses.put(key, license);
        }
    }

    /** Whether the key is an active license now; an unknown key waits up to {@code wait} for the registry to catch up. */
    public boolean isActive(String key, Instant now, Duration wait) {
        License license = licenses.get(key);
        if (license == null) {
            try {
                catchUp.awaitEnd(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (TimeoutException | RuntimeException e) {
                return false;
            }
            license = licenses.get(key);
        }
        return LicenseValidity.usable(license, now);
    }

    public Optional<License> find(String key) {
        return Optional.ofNullable(licenses.get(key));
    }
}
