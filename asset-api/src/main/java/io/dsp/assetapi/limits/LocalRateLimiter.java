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
        long index = clock.millis() / settings.window().toMillis();
        Window window = windows.compute(
                licenseKey, (k, w) -> w == null || w.index() != index ? new Window(index, new AtomicInteger()) : w);
        if (windows.size() > 100_000) {
            windows.values().removeIf(w -> w.index() != index);
        }
        return window.count().incrementAndGet() <= settings.requestsPerWindow();
    }
}
