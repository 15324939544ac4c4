package io.dsp.gateway;

import io.dsp.core.store.ResultLinkSettings;
import io.dsp.core.store.ResultLinks;
import io.dsp.core.store.ResultStore;
import io.dsp.core.store.ResultStoreSettings;
import io.dsp.schemas.topic.TopicProvisioner;
import java.time.Clock;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ResultStoreSettings.class, ResultLinkSettings.class})
class GatewayConfiguration {

    /** Redis out, the gateway working without it: shown, but not counted towards the aggregate status. */
    static final Status DEGRADED = new Status("DEGRADED", "Redis unreachable; working without it");

    /** Where the bridge stores the videos it downloads from legacy GPUs (the store asset-api serves them from). */
    @Bean
    ResultStore resultStore(ResultStoreSettings settings) {
        return settings.open();
    }

    /** The signed {@code result_url} in result frames to clients. */
    @Bean
    ResultLinks resultLinks(ResultLinkSettings settings, Clock clock) {
        return new ResultLinks(settings, clock);
    }

    /** Creates tenant topics on a license's first task; shared topics are provisioned before the views start. */
    @Bean(destroyMethod = "")
    TopicProvisioner topicProvisioner(Admin admin) {
        return new TopicProvisioner(admin, (short) -1);
    }

    @Bean(destroyMethod = "close")
    Admin kafkaAdminClient(KafkaAdmin kafkaAdmin) {
        return Admin.create(kafkaAdmin.getConfigurationProperties());
    }

    /**
     * The gateway's periodic work (heartbeats, presence beats, sweeps, relay answers) on one small pool instead of a
     * thread per component. Four threads: a Redis or Kafka call stuck in one task must not stop the heartbeats.
     */
    @Bean
    ThreadPoolTaskScheduler gatewayTimers(ThreadPoolTaskSchedulerBuilder builder) {
        ThreadPoolTaskScheduler scheduler =
                builder.poolSize(4).threadNamePrefix("gateway-timer-").build();
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    /**
     * Redis as health shows it ({@code redis}): UP while it answers (or is not configured), {@code DEGRADED} while the
     * gateway works without it. The aggregate ignores a status outside its order, so an outage never makes the gateway
     * DOWN, and liveness and readiness (the probe groups) do not include it (ADR 022).
     */
    @Bean
    HealthIndicator redisHealthIndicator(RedisAccess redis) {
        return () -> {
            if (!redis.configured()) {
                return Health.up().withDetail("configured", false).build();
            }
            return redis.outage()
                    .map(outage -> Health.status(DEGRADED)
                            .withDetail("mode", "without Redis: quotas per instance, dsp:workers not kept")
                            .withDetail("since", outage.since().toString())
                            .withDetail("error", outage.reason())
                            .build())
                    .orElseGet(() -> Health.up().withDetail("mode", "shared").build());
        };
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
