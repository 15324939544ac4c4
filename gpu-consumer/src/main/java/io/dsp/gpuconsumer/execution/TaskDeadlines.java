package io.dsp.gpuconsumer.execution;

import io.dsp.core.slot.TaskTypeDeadlines;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long a task may run on a native worker before it is stopped and ends {@code FAILED} with code
 * {@code DEADLINE}: a hung engine or handler would otherwise hold its slot (and its lock, renewed) forever.
 *
 * @param fallback the deadline of a task type not listed; default 1 h
 * @param types deadlines by task type, on top of the built-in ones ({@link TaskTypeDeadlines#BUILT_IN}):
 *     {@code heygem_submit} 2 h (a long synthesis on a busy GPU), {@code upload_asset} 30 min (a large file),
 *     {@code delete_asset} 5 min
 */
@Validated
@ConfigurationProperties("dsp.gpu-consumer.deadlines")
public record TaskDeadlines(
        @NotNull @DefaultValue("1h") Duration fallback,
        @DefaultValue Map<String, Duration> types) {

    public TaskDeadlines {
        // validated and merged with the built-in types (TaskTypeDeadlines) in one place for native and legacy workers
        types = TaskTypeDeadlines.of(
                        fallback, types, "dsp.gpu-consumer.deadlines.fallback", "dsp.gpu-consumer.deadlines.types")
                .types();
    }

    /** The deadline of one task type. */
    public Duration of(String taskType) {
        return types.getOrDefault(taskType, fallback);
    }
}
