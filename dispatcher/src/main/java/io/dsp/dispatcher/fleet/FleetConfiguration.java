package io.dsp.dispatcher.fleet;

import io.dsp.dispatcher.DispatcherSettings;
import io.dsp.schemas.topic.TopicProvisioner;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
class FleetConfiguration {

    @Bean
    FleetView fleetView(DispatcherSettings settings) {
        return new FleetView(settings.prefetch(), settings.inFlightExpiry());
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The topics the dispatcher reads must exist before it assigns their partitions, even on a fresh broker. */
    @Bean
    SharedTopics sharedTopics(KafkaAdmin kafkaAdmin) {
        TopicProvisioner.provision(kafkaAdmin.getConfigurationProperties());
        return new SharedTopics();
    }

    /** Marks that the shared topics and group configs exist; what needs them may depend on this bean. */
    static final class SharedTopics {}
}
