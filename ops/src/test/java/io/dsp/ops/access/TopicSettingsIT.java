package io.dsp.ops.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/**
 * Topics that exist keep what the catalogue relies on, or the start stops with what to fix: a real broker, topics
 * made by hand with other settings.
 */
class TopicSettingsIT {

    private final Admin admin = KafkaTestBroker.get().admin();

    @Test
    void aRegistryTopicThatDeletesByAgeInsteadOfCompactingStopsTheStartNamingIt() throws Exception {
        String name = madeByHand(Map.of("cleanup.policy", "delete"));

        assertThatThrownBy(() -> verify(name, Map.of("cleanup.policy", "compact")))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining(name + " has cleanup.policy=delete, the catalogue needs compact")
                .hasMessageContaining("kafka-configs.sh");
    }

    @Test
    void aShorterRetentionThanTheCatalogueStopsTheStartButALongerOneOrNoLimitIsFine() throws Exception {
        String shorter = madeByHand(Map.of("retention.ms", "3600000"));
        String longer = madeByHand(Map.of("retention.ms", "9999999999"));
        String unlimited = madeByHand(Map.of("retention.ms", "-1"));

        assertThatThrownBy(() -> verify(shorter, Map.of("retention.ms", "604800000")))
                .hasMessageContaining(shorter + " keeps records 3600000 ms, the catalogue at least 604800000");
        assertThatCode(() -> verify(longer, Map.of("retention.ms", "604800000")))
                .doesNotThrowAnyException();
        assertThatCode(() -> verify(unlimited, Map.of("retention.ms", "604800000")))
                .doesNotThrowAnyException();
    }

    @Test
    void theSharedTopicsAsProvisionedPassTheCheck() {
        TopicProvisioner provisioner = new TopicProvisioner(admin, (short) 1);
        provisioner.ensureSharedTopicsAndGroups();

        assertThatCode(() -> provisioner.verify(Topics.SHARED)).doesNotThrowAnyException();
        assertThat(Topics.SHARED).isNotEmpty();
    }

    private void verify(String name, Map<String, String> catalogue) {
        new TopicProvisioner(admin, (short) 1)
                .verify(List.of(new TopicSpec<>(name, Serdes.String(), Serdes.String(), 1, catalogue)));
    }

    private String madeByHand(Map<String, String> configs) throws Exception {
        String name = "dsp.by-hand-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs)))
                .all()
                .get(30, TimeUnit.SECONDS);
        return name;
    }
}
