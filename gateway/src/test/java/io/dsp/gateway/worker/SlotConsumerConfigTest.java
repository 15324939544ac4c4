package io.dsp.gateway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.gateway.GatewaySettings;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Lane;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class SlotConsumerConfigTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(BindSettings.class);

    @Test
    void aLegacySlotFetchesWithItsLanesSettingsAndTheGatewaysFetchWait() {
        runner.withPropertyValues("dsp.gateway.fetch-max-wait=25ms").run(context -> {
            Map<String, Object> config = WorkerBridge.slotConsumerConfig(
                    Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9"),
                    Lane.GPU,
                    context.getBean(GatewaySettings.class),
                    "gateway-1-slot-0");
            assertThat(config)
                    .containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9")
                    .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, Groups.GPU_FLEET)
                    .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1)
                    .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 25)
                    .containsEntry(ConsumerConfig.CLIENT_ID_CONFIG, "gateway-1-slot-0");
        });
    }

    @Test
    void anAutomationSlotJoinsItsOwnLanesGroupWithTheDefaultFetchWait() {
        runner.run(context -> assertThat(WorkerBridge.slotConsumerConfig(
                        Map.of(), Lane.AUTOMATION, context.getBean(GatewaySettings.class), "a-slot"))
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, Groups.AUTOMATION_FLEET)
                .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Groups.SLOT_FETCH_MAX_WAIT_MS));
    }

    /** Not a {@code @Configuration}: the application's component scan must not pick it up. */
    @EnableConfigurationProperties(GatewaySettings.class)
    static class BindSettings {}
}
