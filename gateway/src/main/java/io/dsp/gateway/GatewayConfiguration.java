package io.dsp.gateway;

import io.dsp.schemas.topic.TopicProvisioner;
import java.time.Clock;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

    /** Creates tenant topics on a license's first task; shared topics are provisioned before the views start. */
    @Bean(destroyMethod = "")
    TopicProvisioner topicProvisioner(Admin admin) {
        return new TopicProvisioner(admin, (short) -1);
    }

    @Bean(destroyMethod = "close")
    Admin kafkaAdminClient(KafkaAdmin kafkaAdmin) {
        return Admin.create(kafkaAdmin.getConfigurationProperties());
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
