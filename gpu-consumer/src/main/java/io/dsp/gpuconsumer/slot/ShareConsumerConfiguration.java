package io.dsp.gpuconsumer.slot;

import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.TopicProvisioner;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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

    /**
     * One task per poll and nothing more: {@code record_limit} with {@code max.poll.records=1} (the default
     * {@code batch_optimized} acquired a whole producer batch, and every acquisition counts as a delivery), explicit
     * acknowledgement so a task is acknowledged only after its outcome is recorded.
     */
    static final Map<String, Object> SLOT_SETTINGS = Map.of(
            ConsumerConfig.GROUP_ID_CONFIG,
            Groups.GPU_FLEET,
            ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG,
            "explicit",
            ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG,
            "record_limit",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            1,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class);

    @Bean
    ShareConsumerFactory<byte[], byte[]> shareConsumerFactory(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers()));
        config.putAll(SLOT_SETTINGS);
        return new DefaultShareConsumerFactory<>(config);
    }

    /** The fleet group must read from the earliest offset before the first slot joins, even on a fresh broker. */
    @Bean
    SharedTopics sharedTopics(KafkaAdmin kafkaAdmin) {
        TopicProvisioner.provision(kafkaAdmin.getConfigurationProperties());
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
