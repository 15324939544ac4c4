package io.dsp.assetapi.limits;

import io.dsp.core.license.QuotaLimiter;
import io.dsp.core.redis.RedisLink;
import io.dsp.schemas.metric.MetricNames;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
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

    /** The shared count; {@code null} (count in this process) while Redis is out or when the command fails. */
    @Override
    public Long eval(String script, String key, String argument) {
        try {
            return link.call(commands ->
                            commands.<Long>eval(script, ScriptOutputType.INTEGER, new String[] {key}, argument))
                    .orElse(null);
        } catch (RedisCommandExecutionException e) {
            // Redis answered, with an error: no outage.
            log.warn("Redis refused the quota script: {}", e.toString());
            return null;
        }
    }

    @Override
    public void close() {
        link.close();
    }
}
