package io.dsp.core.slot;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How long a task of each type may take at a worker before it ends {@code FAILED}: a native worker stops its handler
 * then, a gateway stops waiting for its legacy worker's answer. A hung engine, or a legacy worker that silently drops
 * a task it was handed, would otherwise hold a slot (its lock renewed) for as long as the longest type may take.
 */
public final class TaskTypeDeadlines {

    /**
     * The built-in types: {@code heygem_submit} 2 h (a long synthesis on a busy GPU), {@code upload_asset} 30 min (a
     * large file), {@code delete_asset} 5 min. Each is replaced by a configured one of the same type.
     */
    public static final Map<String, Duration> BUILT_IN = Map.of(
            "heygem_submit", Duration.ofHours(2),
            "upload_asset", Duration.ofMinutes(30),
            "delete_asset", Duration.ofMinutes(5));

    private final Duration fallback;
    private final Map<String, Duration> types;

    private TaskTypeDeadlines(Duration fallback, Map<String, Duration> types) {
        this.fallback = fallback;
        this.types = types;
    }

    /**
     * The built-in deadlines with {@code configured} ones on top, and {@code fallback} for every other type.
     *
     * @param fallbackProperty the configuration property of {@code fallback}, named in its error
     * @param typesProperty the configuration property of {@code configured} (a map), named in their errors
     * @throws IllegalArgumentException when a deadline is missing, zero or negative
     */
    public static TaskTypeDeadlines of(
            Duration fallback, Map<String, Duration> configured, String fallbackProperty, String typesProperty) {
        return of(fallback, BUILT_IN, configured, fallbackProperty, typesProperty);
    }

    /**
     * {@code configured} deadlines on top of {@code defaults} (the built-in ones, or none), and {@code fallback} for every
     * other type.
     */
    public static TaskTypeDeadlines of(
            Duration fallback,
            Map<String, Duration> defaults,
            Map<String, Duration> configured,
            String fallbackProperty,
            String typesProperty) {
        if (fallback == null || fallback.isNegative() || fallback.isZero()) {
            throw new IllegalArgumentException(fallbackProperty + " must be positive: " + fallback);
        }
        Map<String, Duration> merged = new HashMap<>(defaults);
        if (configured != null) {
            configured.forEach((type, deadline) -> {
                if (deadline == null || deadline.isNegative() || deadline.isZero()) {
                    throw new IllegalArgumentException(typesProperty + "." + type + " must be positive: " + deadline);
                }
                merged.put(type, deadline);
            });
        }
        return new TaskTypeDeadlines(fallback, Map.copyOf(merged));
    }

    /** The deadline of one task type. */
    public Duration of(String taskType) {
        return types.getOrDefault(taskType, fallback);
    }

    /** The deadline of every type without one of its own. */
    public Duration fallback() {
        return fallback;
    }

    /** The longest deadline of any type: how long any task may take at all. */
    public Duration longest() {
        return types.values().stream().reduce(fallback, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }

    /** Every type with a deadline of its own, the built-in ones included. */
    public Map<String, Duration> types() {
        return types;
    }
}
