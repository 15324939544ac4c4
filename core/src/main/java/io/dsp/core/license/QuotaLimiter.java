package io.dsp.core.license;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-license counts in fixed windows, for the limits the edges put on submissions. The counts live in Redis when the
 * service has it, so every instance of asset-api and the gateway shares them (a key
 * {@code <quota prefix>:<hashed license key>:<window index>}, raised by one atomic script that sets the expiry, two
 * windows, on the first count); without Redis, or while Redis fails, they are kept in this process (per instance), and
 * go back to Redis with the first command that succeeds again. A store that throws is logged once at WARN when the
 * local counting starts and once at INFO when Redis answers again, never per call.
 */
public final class QuotaLimiter implements AutoCloseable {

    /** Counts one submission: {@code INCR}, with the expiry ({@code ARGV[1]} ms) set on the window's first count. */
    static final String SCRIPT =
            "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

    private static final Logger log = LoggerFactory.getLogger(QuotaLimiter.class);
    /** Local windows of more licenses than this are pruned of past windows. */
    private static final int LOCAL_PRUNE_SIZE = 100_000;

    /** What is counted; the prefix of its Redis keys is part of the contract between the edges. */
    public enum Quota {
        /** Every submission of a license (asset-api's rate limit). */
        REQUESTS("dsp:rate"),
        /** High-priority submissions of a license, shared by asset-api and the gateway. */
        HIGH_PRIORITY("dsp:rate-high");

        private final String prefix;

        Quota(String prefix) {
            this.prefix = prefix;
        }

        /** The Redis key of this license's count in a window. */
        public String key(String licenseKey, long windowIndex) {
            return prefix + ":" + LicenseKeys.hash(licenseKey) + ":" + windowIndex;
        }
    }

    /** Redis as the service reaches it (its own client, connection and timeouts). */
    @FunctionalInterface
    public interface Store extends AutoCloseable {
        /**
         * Runs the script on one key with one argument and returns its integer answer; {@code null} when Redis is not
         * there. May throw when Redis fails.
         */
        Long eval(String script, String key, String argument);

        @Override
        default void close() {}
    }

    private record Window(long index, AtomicInteger count) {}

    private final Store redis;
    private final Clock clock;
    private final Map<String, Window> local = new ConcurrentHashMap<>();
    private final AtomicBoolean failing = new AtomicBoolean();

    /** Counts in Redis through this store, in this process when it cannot; {@link #close()} closes the store. */
    public QuotaLimiter(Store redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** Counts in this process only (a single instance, the embedded stack). */
    public static QuotaLimiter local(Clock clock) {
        return new QuotaLimiter((script, key, argument) -> null, clock);
    }

    /** Counts one submission of this license; false when it goes over {@code limit} in the current window. */
    public boolean tryAcquire(Quota quota, String licenseKey, int limit, Duration window) {
        long windowMillis = window.toMillis();
        long index = clock.millis() / windowMillis;
        String key = quota.key(licenseKey, index);
        Long shared;
        try {
            shared = redis.eval(SCRIPT, key, String.valueOf(windowMillis * 2));
            if (shared != null && failing.compareAndSet(true, false)) {
                log.info("quota store answers again; counts are shared in Redis again");
            }
        } catch (RuntimeException e) {
            if (failing.compareAndSet(false, true)) {
                log.warn("quota store unreachable, counting in this process until it answers: {}", e.toString());
            }
            shared = null;
        }
        long count = shared != null ? shared : countLocally(key.substring(0, key.lastIndexOf(':')), index);
        return count <= limit;
    }

    private long countLocally(String key, long index) {
        Window window = local.compute(
                key, (k, w) -> w == null || w.index() != index ? new Window(index, new AtomicInteger()) : w);
        if (local.size() > LOCAL_PRUNE_SIZE) {
            local.values().removeIf(w -> w.index() != index);
        }
        return window.count().incrementAndGet();
    }

    @Override
    public void close() {
        redis.close();
    }
}
