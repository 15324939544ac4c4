package io.dsp.gateway.client;

import io.dsp.gateway.RedisAccess;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Counts high-priority submissions per license in fixed windows: in Redis when the gateway has it (shared with every
 * gateway and asset-api instance), else in this process. Keys carry a hash of the license key, never the key.
 */
@Component
class HighPriorityQuota {

    private static final String SCRIPT =
            "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

    private final HighPriorityQuotaSettings settings;
    private final RedisAccess redis;
    private final Clock clock;
    private final Map<String, AtomicInteger> local = new ConcurrentHashMap<>();

    HighPriorityQuota(HighPriorityQuotaSettings settings, RedisAccess redis, Clock clock) {
        this.settings = settings;
        this.redis = redis;
        this.clock = clock;
    }

    /** Counts one high-priority submission of this license; false when it is over the license's quota. */
    boolean tryAcquire(String licenseKey) {
        long windowMillis = settings.window().toMillis();
        long index = clock.millis() / windowMillis;
        String key = "dsp:rate-high:" + hash(licenseKey) + ":" + index;
        Long shared = redis.call(commands -> commands.<Long>eval(
                        SCRIPT, ScriptOutputType.INTEGER, new String[] {key}, String.valueOf(windowMillis * 2)))
                .orElse(null);
        long count = shared != null ? shared : countLocally(key, index);
        return count <= settings.perWindow();
    }

    private long countLocally(String key, long index) {
        // Keys of past windows are dropped as the window moves on, so the map holds one window's licenses.
        local.keySet().removeIf(k -> !k.endsWith(":" + index));
        return local.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    static String hash(String licenseKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(licenseKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
