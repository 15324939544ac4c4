package io.dsp.gpuconsumer.execution;

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
 * @param types deadlines by task type, on top of the built-in ones: {@code heygem_submit} 2 h (a long synthesis on a
 *     busy GPU), {@code upload_asset} 30 min (a large file), {@code delete_asset} 5 min
 */
@Validated
@ConfigurationProperties("dsp.gpu-consumer.deadlines")
public record TaskDeadlines(
        @NotNull @DefaultValue("1h") Duration fallback,
        @DefaultValue Map<String, Duration> types) {

    /** The deadlines of the built-in task types, each replaced by a configured one of the same type. */
    static final Map<String, Duration> BUILT_IN = Map.of(
            "heygem_submit", Duration.ofHours(2),
            "upload_asset", Duration.ofMinutes(30),
            "delete_asset", Duration.ofMinutes(5));

    public TaskDeadlines {
        if (fallback.isNegative() || fallback.isZero()) {
            throw new IllegalArgumentException("dsp.gpu-consumer.deadlines.fallback must be positive: " + fallback);
        }
        types = types == null ? Map.of() : types;
        types.forEach((type, deadline) -> {
            if (deadline == null || deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException(
                        "dsp.gpu-consumer.deadlines.types." + type + " must be positive: " + deadline);
            }
        });
        Map<String, Duration> merged = new java.util.HashMap<>(BUILT_IN);
        merged.putAll(types);
        types = Map.copyOf(merged);
    }

    /** The deadline of one task type. */
    public Duration of(String taskType) {
        return types.getOrDefault(taskType, fallback);
    }
}
