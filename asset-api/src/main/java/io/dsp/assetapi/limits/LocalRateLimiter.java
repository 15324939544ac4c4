package io.dsp.assetapi.limits;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fixed-window counts in this process: the limiter of a single instance (the embedded stack), and the fallback while
 * Redis cannot be reached.
 */
final class LocalRateLimiter implements RateLimiter {

    private final LimitSettings settings;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private record Window(long index, AtomicInteger count) {}

    LocalRateLimiter(LimitSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public boolean tryAcquire(String licenseKey) {
        return count(licenseKey, settings.requestsPerWindow());
    }

    @Override
    public boolean tryAcquire(String scope, String licenseKey, int limit) {
        // A newline cannot occur in a scope name, so scoped counts never meet the plain ones.
        return count(scope + "\n" + licenseKey, limit);
    }

    private boolean count(String key, int limit) {
        long index = clock.millis() / settings.window().toMillis();
        Window window = windows.compute(
                key, (k, w) -> w == null || w.index() != index ? new Window(index, new AtomicInteger()) : w);
        if (windows.size() > 100_000) {
            windows.values().removeIf(w -> w.index() != index);
        }
        return window.count().incrementAndGet() <= limit;
    }
}
