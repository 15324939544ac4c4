package io.dsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

class HarnessIT {

    @Test
    void brokerStartsWithEveryCatalogueTopicAndTheFleetGroupReadingFromTheStart() throws Exception {
        KafkaTestBroker broker = KafkaTestBroker.get();

        Set<String> topics = broker.admin().listTopics().names().get(30, TimeUnit.SECONDS);
        assertThat(topics).containsAll(Topics.SHARED.stream().map(t -> t.name()).toList());

        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, Groups.GPU_FLEET);
        var config = broker.admin()
                .describeConfigs(Set.of(group))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(group);
        assertThat(config.get("share.auto.offset.reset").value()).isEqualTo("earliest");
        assertThat(config.get("share.isolation.level").value()).isEqualTo("read_committed");
    }

    @Test
    void tenantTopicIsCreatedOnFirstUseOnly() throws Exception {
        KafkaTestBroker broker = KafkaTestBroker.get();

        String name = broker.ensureTenantTopic("harness/key");
        String again = broker.ensureTenantTopic("harness/key");

        assertThat(name).isEqualTo(again).isEqualTo(TenantTopics.topicName("harness/key"));
        // Metadata reaches every listener shortly after creation returns.
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () -> assertThat(broker.admin().listTopics().names().get(30, TimeUnit.SECONDS))
                                .contains(name));
    }

    @Test
    void redisServerIsARealProcessThatAnswersCommands() throws Exception {
        RedisTestServer redis = RedisTestServer.get();

        assertThat(redis.command("SET harness ok")).isEqualTo("+OK");
        assertThat(redis.command("GET harness")).isEqualTo("$2");
    }
}
