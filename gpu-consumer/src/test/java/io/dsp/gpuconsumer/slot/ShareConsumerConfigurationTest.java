package io.dsp.gpuconsumer.slot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.gpuconsumer.WorkerSettings;
import io.dsp.schemas.topic.Groups;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.KafkaAdmin;

class ShareConsumerConfigurationTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(BindSettings.class);

    @Test
    void slotsFetchWithTheFleetSettingsAndTheWorkersOwnFetchWait() {
        runner.withPropertyValues("dsp.gpu-consumer.fetch-max-wait=20ms").run(context -> {
            Map<String, Object> config = factoryConfig(context.getBean(WorkerSettings.class));
            assertThat(config)
                    .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, Groups.GPU_FLEET)
                    .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1)
                    .containsEntry(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit")
                    .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        });
    }

    @Test
    void slotsFetchWaitDefaultsToTheFleetsSetting() {
        runner.run(context -> assertThat(factoryConfig(context.getBean(WorkerSettings.class)))
                .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Groups.SLOT_FETCH_MAX_WAIT_MS));
    }

    private static Map<String, Object> factoryConfig(WorkerSettings settings) {
        KafkaProperties kafka = new KafkaProperties();
        kafka.setBootstrapServers(List.of("127.0.0.1:9"));
        KafkaAdmin admin = new KafkaAdmin(Map.of("bootstrap.servers", "127.0.0.1:9"));
        return new ShareConsumerConfiguration()
                .shareConsumerFactory(kafka, admin, settings)
                .getConfigurationProperties();
    }

    /** Not a {@code @Configuration}: the application's component scan must not pick it up. */
    @EnableConfigurationProperties(WorkerSettings.class)
    static class BindSettings {}
}
