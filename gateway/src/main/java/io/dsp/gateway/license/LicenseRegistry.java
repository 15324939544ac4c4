package io.dsp.gateway.license;

import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;

/**
 * The license registry as this instance knows it: every record of the compacted {@code dsp.licenses}, fed by the
 * gateway's topic reader. A key it has not seen yet makes it catch up with the topic's end before answering, so a
 * license issued a moment ago is found.
 */
@Component
public class LicenseRegistry {

    private final Map<String, License> licenses = new ConcurrentHashMap<>();
    private final List<CompletableFuture<Void>> syncRequests = new ArrayList<>();

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
            CompletableFuture<Void> synced = new CompletableFuture<>();
            synchronized (syncRequests) {
                syncRequests.add(synced);
            }
            try {
                synced.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException e) {
                return false;
            }
            license = licenses.get(key);
        }
        return isActive(license, now);
    }

    static boolean isActive(License license, Instant now) {
        return license != null
                && license.getStatus() == LicenseStatus.ACTIVE
                && (license.getValidFrom() == null || !license.getValidFrom().isAfter(now))
                && (license.getValidUntil() == null || license.getValidUntil().isAfter(now));
    }

    public Optional<License> find(String key) {
        return Optional.ofNullable(licenses.get(key));
    }

    /** Requests to catch up made since the last call; the reader completes them once it has read to the end. */
    public List<CompletableFuture<Void>> takeSyncRequests() {
        synchronized (syncRequests) {
            List<CompletableFuture<Void>> taken = List.copyOf(syncRequests);
            syncRequests.clear();
            return taken;
        }
    }
}
