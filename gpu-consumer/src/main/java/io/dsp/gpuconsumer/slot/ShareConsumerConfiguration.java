package io.dsp.gpuconsumer.slot;

import io.dsp.core.kafka.ClientSecurity;
import io.dsp.gpuconsumer.WorkerSettings;
import io.dsp.schemas.serde.WriterSchemas;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.TopicProvisioner;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultShareConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ShareConsumerFactory;

/** Boot has no auto-configuration for share consumers; the slots' settings are fixed here, not left to defaults. */
@Configuration(proxyBeanMethods = false)
class ShareConsumerConfiguration {

    /** The fleet's slot settings, defined with the group in the contracts. */
    static final Map<String, Object> SLOT_SETTINGS = Groups.GPU_FLEET_SLOT_CONSUMER;

    /**
     * The slots reach Kafka as every other client here does (security included), with the fleet's slot settings and
     * this worker's fetch wait.
     */
    @Bean
    ShareConsumerFactory<byte[], byte[]> shareConsumerFactory(
            KafkaProperties kafka, KafkaAdmin kafkaAdmin, WorkerSettings settings) {
        Map<String, Object> config = new HashMap<>(ClientSecurity.of(kafkaAdmin.getConfigurationProperties()));
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers()));
        config.putAll(SLOT_SETTINGS);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int)
                settings.fetchMaxWait().toMillis());
        return new DefaultShareConsumerFactory<>(config);
    }

    /** The fleet group must read from the earliest offset before the first slot joins, even on a fresh broker. */
    @Bean
    SharedTopics sharedTopics(KafkaAdmin kafkaAdmin) {
        TopicProvisioner.provision(kafkaAdmin.getConfigurationProperties());
        WriterSchemas.connect(ClientSecurity.of(kafkaAdmin.getConfigurationProperties()));
        return new SharedTopics();
    }

    /** Marks that the shared topics and group configs exist; what needs them may depend on this bean. */
    static final class SharedTopics {}

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
