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
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ResultStoreSettings.class, ResultLinkSettings.class})
class GatewayConfiguration {

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

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
