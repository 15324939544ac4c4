package io.dsp.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.tenant.TenantTopics;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void everySharedTopicHasALegalUniqueNameOutsideTheTenantNamespace() {
        assertThat(Topics.SHARED)
                .extracting(TopicSpec::name)
                .doesNotHaveDuplicates()
                .allSatisfy(name -> {
                    Topic.validate(name);
                    assertThat(TenantTopics.isTenantTopic(name)).isFalse();
                });
    }

    @Test
    void dispatchTopicHasFewerPartitionsThanAnyFleetHasSlots() {
        // Every slot must be able to take every task: one share-partition is shared by all slots.
        assertThat(Topics.DISPATCH.partitions()).isEqualTo(1);
    }

    @Test
    void presenceAssetsAndLicensesAreCompactedSoTheLatestStateSurvives() {
        for (TopicSpec<?, ?> spec : new TopicSpec<?, ?>[] {Topics.WORKERS, Topics.ASSETS, Topics.LICENSES}) {
            assertThat(spec.configs()).containsEntry("cleanup.policy", "compact");
        }
    }
}
