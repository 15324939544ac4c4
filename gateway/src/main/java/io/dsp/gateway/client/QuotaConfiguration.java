package io.dsp.gateway.client;

import io.dsp.core.license.QuotaLimiter;
import io.dsp.gateway.RedisAccess;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class QuotaConfiguration {

    /**
     * High-priority counts in Redis through the gateway's connection when it has one (the keys asset-api counts in,
     * so both edges share a license's quota), else in this process: without Redis, and while Redis is out (the
     * connection skips commands then, logs the outage once and reconnects in the background; ADR 022).
     */
    @Bean
    QuotaLimiter quotaLimiter(RedisAccess redis, Clock clock) {
        return new QuotaLimiter(
                (script, key, argument) -> redis.call(commands ->
                                commands.<Long>eval(script, ScriptOutputType.INTEGER, new String[] {key}, argument))
                        .orElse(null),
                clock);
    }
}
