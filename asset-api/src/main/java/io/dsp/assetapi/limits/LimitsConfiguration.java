package io.dsp.assetapi.limits;

import io.dsp.core.license.QuotaLimiter;
import io.dsp.core.redis.RedisLink;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class LimitsConfiguration implements WebMvcConfigurer {

    /** The submission calls that are counted; reads (lists, status, polls) are not. */
    static final String[] LIMITED = {
        "/api/v1/tasks",
        "/api/heygem/task/submit",
        "/api/heygem/upload_file",
        "/api/asset/upload",
        "/api/dsp/asset/upload",
        "/api/asset/delete",
        "/api/dsp/asset/delete",
        "/api/v1/tasks/*/cancel"
    };

    private final RateLimitInterceptor interceptor;

    LimitsConfiguration(RateLimitInterceptor interceptor) {
        this.interceptor = interceptor;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // After the license guard (order 0): limits are per authenticated license.
        registry.addInterceptor(interceptor).addPathPatterns(LIMITED).order(10);
    }

    /** Redis out, asset-api counting in this process: shown, but not counted towards the aggregate status. */
    static final Status DEGRADED = new Status("DEGRADED", "Redis unreachable; limits counted per instance");

    /**
     * Shared counts in Redis whenever Redis is configured (the test harness, multi-instance deployments); counts in
     * this process otherwise (the embedded stack, a single instance), and while a configured Redis is out (ADR 022):
     * the start never waits for Redis. Closed on shutdown (inferred {@code close}).
     */
    @Bean
    static QuotaLimiter.Store quotaStore(
            @Value("${spring.data.redis.host:}") String host,
            @Value("${spring.data.redis.port:6379}") int port,
            @Value("${spring.data.redis.password:}") String password,
            @Value("${dsp.redis.reconnect-max-delay:30s}") Duration maxDelay,
            MeterRegistry registry,
            Clock clock) {
        if (host.isBlank()) {
            return (script, key, argument) -> null;
        }
        return new RedisQuotaStore(
                RedisLink.uri(host, port, password, Duration.ofSeconds(1)), maxDelay, registry, clock);
    }

    /** The limiter over the store; the store is closed by its own bean. */
    @Bean(destroyMethod = "")
    static QuotaLimiter quotaLimiter(QuotaLimiter.Store quotaStore, Clock clock) {
        return new QuotaLimiter(quotaStore, clock);
    }

    /**
     * Redis as health shows it ({@code redis}): UP while it answers (or is not configured), {@code DEGRADED} while the
     * limits are counted per instance. The aggregate ignores a status outside its order, so an outage never makes
     * asset-api DOWN, and liveness and readiness (the probe groups) do not include it (ADR 022).
     */
    @Bean
    static HealthIndicator redisHealthIndicator(QuotaLimiter.Store quotaStore) {
        return () -> {
            if (!(quotaStore instanceof RedisQuotaStore redis)) {
                return Health.up().withDetail("configured", false).build();
            }
            return redis.outage()
                    .map(outage -> Health.status(DEGRADED)
                            .withDetail("mode", "without Redis: rate limits and quotas per instance")
                            .withDetail("since", outage.since().toString())
                            .withDetail("error", outage.reason())
                            .build())
                    .orElseGet(() -> Health.up().withDetail("mode", "shared").build());
        };
    }
}
