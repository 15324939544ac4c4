package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.topic.Groups;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class GatewaySettingsTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(BindSettings.class);

    @Test
    void defaultsAreTheDocumentedLegacyCompatibleOnes() {
        runner.run(context -> {
            GatewaySettings settings = context.getBean(GatewaySettings.class);
            assertThat(settings.workerSlots()).isEqualTo(3);
            assertThat(settings.workerTaskTypes()).containsExactly("delete_asset", "upload_asset", "heygem_submit");
            assertThat(settings.maxFrameBytes()).isEqualTo(65536);
            assertThat(settings.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
            assertThat(settings.activeNoticeInterval()).isLessThan(Duration.ofSeconds(30));
            assertThat(settings.validateLicenses()).isTrue();
            assertThat(settings.workerToken()).isEmpty();
            assertThat(settings.fetchMaxWait()).isEqualTo(Duration.ofMillis(Groups.SLOT_FETCH_MAX_WAIT_MS));
            assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
        });
    }

    @Test
    void bindsKebabCasePropertiesAndRejectsOutOfRangeValues() {
        runner.withPropertyValues("dsp.gateway.worker-slots=5", "dsp.gateway.worker-task-types=url,chatglm_video")
                .run(context -> {
                    GatewaySettings settings = context.getBean(GatewaySettings.class);
                    assertThat(settings.workerSlots()).isEqualTo(5);
                    assertThat(settings.workerTaskTypes()).containsExactly("url", "chatglm_video");
                });
        runner.withPropertyValues("dsp.gateway.worker-slots=0")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dsp.gateway.node-number=10000")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dsp.gateway.fetch-max-wait=20ms")
                .run(context -> assertThat(
                                context.getBean(GatewaySettings.class).fetchMaxWait())
                        .isEqualTo(Duration.ofMillis(20)));
        runner.withPropertyValues("dsp.gateway.fetch-max-wait=0ms")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dsp.gateway.fetch-max-wait=1s")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dsp.gateway.shutdown-timeout=-1s")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void aLegacyWorkersAnswerIsAwaitedByTaskTypeWithTheNativeDeadlinesAsDefaults() {
        runner.run(context -> {
            GatewaySettings settings = context.getBean(GatewaySettings.class);
            assertThat(settings.taskDeadlines().of("delete_asset")).isEqualTo(Duration.ofMinutes(5));
            assertThat(settings.taskDeadlines().of("upload_asset")).isEqualTo(Duration.ofMinutes(30));
            assertThat(settings.taskDeadlines().of("heygem_submit")).isEqualTo(Duration.ofHours(2));
            assertThat(settings.taskDeadlines().of("chatglm_video")).isEqualTo(Duration.ofHours(1));
        });
        runner.withPropertyValues("dsp.gateway.task-timeouts.delete_asset=90s", "dsp.gateway.task-timeout=20m")
                .run(context -> {
                    GatewaySettings settings = context.getBean(GatewaySettings.class);
                    assertThat(settings.taskDeadlines().of("delete_asset")).isEqualTo(Duration.ofSeconds(90));
                    assertThat(settings.taskDeadlines().of("url")).isEqualTo(Duration.ofMinutes(20));
                    // an operator's own task-timeout still applies to the built-in types it named no timeout for
                    assertThat(settings.taskDeadlines().of("heygem_submit")).isEqualTo(Duration.ofMinutes(20));
                });
        runner.withPropertyValues("dsp.gateway.task-timeouts.delete_asset=0s")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("dsp.gateway.task-timeouts.delete_asset"));
    }

    @EnableConfigurationProperties(GatewaySettings.class)
    static class BindSettings {}
}
