package io.dsp.assetapi.limits;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fixed-window counts in Redis, shared by every asset-api instance: one {@code INCR} (with the window's expiry set on
 * the first) per submission, atomically in a script. Keys carry a hash of the license key, never the key itself. When
 * Redis fails the instance counts locally rather than refusing every client.
 */
final class RedisRateLimiter implements RateLimiter, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
    private static final String SCRIPT =
            "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final LimitSettings settings;
    private final Clock clock;
    private final RateLimiter fallback;

    RedisRateLimiter(RedisClient client, LimitSettings settings, Clock clock) {
        this.client = client;
        this.connection = client.connect();
        this.settings = settings;
        this.clock = clock;
        this.fallback = new LocalRateLimiter(settings, clock);
    }

    @Override
    public boolean tryAcquire(String licenseKey) {
        return count(
                "dsp:rate:" + hash(licenseKey), settings.requestsPerWindow(), () -> fallback.tryAcquire(licenseKey));
    }

    /** Scoped counts live under {@code dsp:rate-<scope>:<hash>:<window>}, apart from the plain ones. */
    @Override
    public boolean tryAcquire(String scope, String licenseKey, int limit) {
        return count(
                "dsp:rate-" + scope + ":" + hash(licenseKey),
                limit,
                () -> fallback.tryAcquire(scope, licenseKey, limit));
    }

    private boolean count(String prefix, int limit, java.util.function.BooleanSupplier local) {
        long windowMillis = settings.window().toMillis();
        long index = clock.millis() / windowMillis;
        String key = prefix + ":" + index;
        try {
            Long count = connection
                    .sync()
                    .eval(SCRIPT, ScriptOutputType.INTEGER, new String[] {key}, String.valueOf(windowMillis * 2));
            return count <= limit;
        } catch (RuntimeException e) {
            log.warn("rate limit store unreachable, counting locally: {}", e.toString());
            return local.getAsBoolean();
        }
    }

    static String hash(String licenseKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(licenseKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
