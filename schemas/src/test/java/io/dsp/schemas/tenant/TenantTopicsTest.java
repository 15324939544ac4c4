package io.dsp.schemas.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.topic.Topics;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TenantTopicsTest {

    static final List<String> HOSTILE = List.of(
            "DSP-ABCD-1234",
            "授权码-测试",
            "🔑emoji",
            "../../etc/passwd",
            "..",
            ".",
            "a/b",
            "a.b",
            "a_b",
            "a_2Eb",
            "a-b",
            " leading space",
            "tab\there",
            "new\nline",
            "\u0000nul",
            "x".repeat(300),
            "x".repeat(299) + "y",
            "é".repeat(300));

    @ParameterizedTest
    @ValueSource(
            strings = {
                "DSP-ABCD-1234",
                "授权码-测试",
                "🔑emoji",
                "../../etc/passwd",
                "..",
                "a/b",
                "a.b",
                "a_b",
                " leading space",
                "tab\there",
                "\u0000nul"
            })
    void anyKeyGivesALegalKafkaTopicName(String key) {
        String topic = TenantTopics.topicName(key);

        Topic.validate(topic);
        assertThat(topic).startsWith("dsp.tasks.").hasSizeLessThanOrEqualTo(249);
        assertThat(TenantTopics.isTenantTopic(topic)).isTrue();
    }

    @Test
    void veryLongKeysAreHashedButStayReadableAndLegal() {
        String key = "x".repeat(300);

        String topic = TenantTopics.topicName(key);

        Topic.validate(topic);
        assertThat(topic).hasSizeLessThan(200).startsWith("dsp.tasks.xxxxxxxx").contains("_H");
    }

    @Test
    void hostileKeysNeverShareATopicEvenInKafkaMetricNames() {
        Set<String> names = new HashSet<>();
        for (String key : HOSTILE) {
            String topic = TenantTopics.topicName(key);
            assertThat(names)
                    .noneMatch(other -> Topic.unifyCollisionChars(other).equals(Topic.unifyCollisionChars(topic)));
            names.add(topic);
        }
        assertThat(names).hasSameSizeAs(HOSTILE);
    }

    @Test
    void automationWorkHasItsOwnTenantTopicsThatTheGpuLaneNeverReads() {
        String automation = TenantTopics.topicName("DSP-1", Priority.NORMAL, Lane.AUTOMATION);
        assertThat(automation).isEqualTo("dsp.automation.DSP-1");
        assertThat(TenantTopics.topicName("DSP-1", Priority.HIGH, Lane.AUTOMATION))
                .isEqualTo("dsp.automation.DSP-1.high");
        assertThat(TenantTopics.PATTERN.matcher(automation).matches()).isFalse();
        assertThat(TenantTopics.pattern(Lane.AUTOMATION).matcher(automation).matches())
                .isTrue();
        assertThat(TenantTopics.pattern(Lane.AUTOMATION)
                        .matcher("dsp.tasks.DSP-1")
                        .matches())
                .isFalse();
        assertThat(TenantTopics.isTenantTopic(automation)).isTrue();
        assertThat(TenantTopics.laneOf(automation)).isEqualTo(Lane.AUTOMATION);
        assertThat(TenantTopics.laneOf("dsp.tasks.DSP-1.high")).isEqualTo(Lane.GPU);
        assertThat(TenantTopics.pattern(Lane.AUTOMATION)
                        .matcher(Topics.AUTOMATION_DISPATCH.name())
                        .matches())
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"url", "chatglm_video"})
    void theLegacyAutomationTypesGoToTheAutomationLaneAndEverythingElseToTheGpu(String type) {
        assertThat(Lane.of(type)).isEqualTo(Lane.AUTOMATION);
        assertThat(Lane.of("heygem_submit")).isEqualTo(Lane.GPU);
        assertThat(Lane.of("delete_asset")).isEqualTo(Lane.GPU);
        assertThat(Lane.of(null)).isEqualTo(Lane.GPU);
        assertThat(Lane.AUTOMATION.slotConsumer()).containsEntry("group.id", Groups.AUTOMATION_FLEET);
        assertThat(Lane.GPU.slotConsumer()).containsEntry("group.id", Groups.GPU_FLEET);
    }

    @Test
    void plainKeysStayReadable() {
        assertThat(TenantTopics.topicName("DSP-ABCD-1234")).isEqualTo("dsp.tasks.DSP-ABCD-1234");
        assertThat(TenantTopics.topicName("a.b/c")).isEqualTo("dsp.tasks.a_2Eb_2Fc");
    }

    @Test
    void theRuleIsDeterministic() {
        assertThat(TenantTopics.topicName("授权码")).isEqualTo(TenantTopics.topicName(new String("授权码")));
    }

    @Test
    void emptyOrMissingKeysAreRefused() {
        assertThatThrownBy(() -> TenantTopics.topicName("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TenantTopics.topicName(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sharedTopicsAreNotTenantTopics() {
        assertThat(TenantTopics.isTenantTopic("dsp.task-events")).isFalse();
        assertThat(TenantTopics.isTenantTopic("dsp.tasks.")).isFalse();
        assertThat(TenantTopics.isTenantTopic("dsp.tasks.a.b")).isFalse();
    }

    @Property(tries = 2000)
    void distinctKeysGiveDistinctTopics(
            @ForAll @StringLength(min = 1, max = 80) String a, @ForAll @StringLength(min = 1, max = 80) String b) {
        if (!a.equals(b)) {
            assertThat(TenantTopics.topicName(a)).isNotEqualTo(TenantTopics.topicName(b));
        }
    }

    @Property(tries = 2000)
    void everyKeyGivesALegalTopic(@ForAll @StringLength(min = 1, max = 400) String key) {
        String topic = TenantTopics.topicName(key);

        Topic.validate(topic);
        assertThat(TenantTopics.isTenantTopic(topic)).isTrue();
    }

    @Property(tries = 1000)
    void aHighPriorityTopicIsATenantTopicThatNoNormalTopicCanEqual(
            @ForAll @StringLength(min = 1, max = 300) String a, @ForAll @StringLength(min = 1, max = 300) String b) {
        String high = TenantTopics.topicName(a, Priority.HIGH);

        assertThat(TenantTopics.isTenantTopic(high)).isTrue();
        assertThat(Topic.isValid(high)).isTrue();
        assertThat(TenantTopics.priorityOf(high)).isEqualTo(Priority.HIGH);
        assertThat(TenantTopics.normalTopicOf(high)).isEqualTo(TenantTopics.topicName(a));
        assertThat(high).isNotEqualTo(TenantTopics.topicName(b));
        assertThat(Topic.hasCollision(high, TenantTopics.topicName(b))).isFalse();
    }

    @Test
    void aNormalTopicKeepsItsNameAndPriority() {
        String normal = TenantTopics.topicName("lic-1", Priority.NORMAL);

        assertThat(normal).isEqualTo("dsp.tasks.lic-1");
        assertThat(TenantTopics.priorityOf(normal)).isEqualTo(Priority.NORMAL);
        assertThat(TenantTopics.normalTopicOf(normal)).isEqualTo(normal);
        assertThat(TenantTopics.isTenantTopic("dsp.tasks.lic-1.low")).isFalse();
    }
}
