package io.dsp.assetapi.limits;

import io.dsp.core.license.QuotaLimiter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
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

    /**
     * Shared counts in Redis whenever Redis is configured (the test harness, multi-instance deployments); counts in
     * this process otherwise (the embedded stack, a single instance). Closed on shutdown (inferred {@code close}).
     */
    @Bean
    static QuotaLimiter quotaLimiter(
            @Value("${spring.data.redis.host:}") String host,
            @Value("${spring.data.redis.port:6379}") int port,
            @Value("${spring.data.redis.password:}") String password,
            Clock clock) {
        if (host.isBlank()) {
            return QuotaLimiter.local(clock);
        }
        RedisURI.Builder uri = RedisURI.builder().withHost(host).withPort(port).withTimeout(Duration.ofSeconds(1));
        if (!password.isEmpty()) {
            uri.withPassword(password.toCharArray());
        }
        return new QuotaLimiter(new RedisQuotaStore(RedisClient.create(uri.build())), clock);
    }
}
