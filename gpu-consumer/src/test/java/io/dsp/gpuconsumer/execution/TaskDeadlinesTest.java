package io.dsp.gpuconsumer.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskDeadlinesTest {

    @Test
    void builtInTypesKeepTheirDeadlinesAndOthersGetTheFallback() {
        TaskDeadlines deadlines = new TaskDeadlines(Duration.ofHours(1), Map.of());

        assertThat(deadlines.of("heygem_submit")).isEqualTo(Duration.ofHours(2));
        assertThat(deadlines.of("delete_asset")).isEqualTo(Duration.ofMinutes(5));
        assertThat(deadlines.of("chatglm_video")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aConfiguredDeadlineReplacesTheBuiltInOne() {
        TaskDeadlines deadlines = new TaskDeadlines(Duration.ofHours(1), Map.of("heygem_submit", Duration.ofHours(6)));

        assertThat(deadlines.of("heygem_submit")).isEqualTo(Duration.ofHours(6));
        assertThat(deadlines.of("upload_asset")).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void aDeadlineThatIsNotPositiveIsRefusedWithItsProperty() {
        assertThatThrownBy(() -> new TaskDeadlines(Duration.ofHours(1), Map.of("delete_asset", Duration.ZERO)))
                .hasMessageContaining("dsp.gpu-consumer.deadlines.types.delete_asset");
        assertThatThrownBy(() -> new TaskDeadlines(Duration.ofSeconds(-1), Map.of()))
                .hasMessageContaining("dsp.gpu-consumer.deadlines.fallback");
    }
}
