package io.dsp.assetapi.limits;

import io.dsp.core.license.QuotaLimiter;
import io.dsp.core.redis.RedisLink;
import io.dsp.schemas.metric.MetricNames;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits' own Redis connection, shared by every asset-api instance. Redis being out never stops asset-api (ADR
 * 022): it starts without Redis, a count while Redis is out is answered at once with "not there" (the limiter then
 * counts in this process, per instance), and one background task reconnects with backoff (up to
 * {@code dsp.redis.reconnect-max-delay}) and pings until Redis answers again, when the counts go back to Redis (all
 * of it in {@link RedisLink}). Each outage is logged once at WARN and its end once at INFO, and shown by
 * {@link MetricNames#REDIS_FALLBACK}, {@link MetricNames#REDIS_FALLBACKS} and the {@code redis} health contributor
 * ({@code DEGRADED}).
 */
final class RedisQuotaStore implements QuotaLimiter.Store {

    static final String SOURCE = "asset-api";

    private static final Logger log = LoggerFactory.getLogger(RedisQuotaStore.class);

    private final RedisLink link;
    /** Each script's SHA-1, as Redis names it: computed once. */
    private final Map<String, String> digests = new ConcurrentHashMap<>();

    RedisQuotaStore(RedisURI uri, Duration maxDelay, MeterRegistry registry, Clock clock) {
        RedisLink.Service service = new RedisLink.Service(
                SOURCE,
                log,
                "rate limits and quotas are counted in this process (per instance) until it answers again",
                "rate limits and quotas are shared in Redis again");
        link = RedisLink.connect(service, uri, maxDelay, registry, clock);
    }

    /** The current outage; empty while Redis answers. */
    Optional<RedisLink.Outage> outage() {
        return link.outage();
    }

    /**
     * The shared count; {@code null} (count in this process) while Redis is out or when the command fails. Sent as
     * {@code EVALSHA} (the script's hash, not its text, on every request); a Redis that does not know the script yet
     * (the first call, a restart, {@code SCRIPT FLUSH}) answers {@code NOSCRIPT}, and one {@code EVAL} loads it.
     */
    @Override
    public Long eval(String script, String key, String argument) {
        String digest = digests.computeIfAbsent(script, RedisQuotaStore::sha1);
        String[] keys = {key};
        try {
            return link.call(commands -> {
                        try {
                            return commands.<Long>evalsha(digest, ScriptOutputType.INTEGER, keys, argument);
                        } catch (RedisNoScriptException e) {
                            return commands.<Long>eval(script, ScriptOutputType.INTEGER, keys, argument);
                        }
                    })
                    .orElse(null);
        } catch (RedisCommandExecutionException e) {
            // Redis answered, with an error: no outage.
            log.warn("Redis refused the quota script: {}", e.toString());
            return null;
        }
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    @Override
    public void close() {
        link.close();
    }
}
