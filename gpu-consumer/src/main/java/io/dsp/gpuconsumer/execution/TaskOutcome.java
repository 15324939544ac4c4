package io.dsp.gpuconsumer.execution;

/** What a handler reports about one run of a task. */
public sealed interface TaskOutcome {

    /** Done; {@code resultJson} is the legacy result object. */
    record Succeeded(String resultJson) implements TaskOutcome {}

    /** Will never succeed (bad payload, unknown type): recorded as failed, not retried. */
    record Failed(String code, String message) implements TaskOutcome {}

    /** Stopped or never started because its owner cancelled it; any result it produced is discarded. */
    record Cancelled(String reason) implements TaskOutcome {}

    /** May succeed later (engine busy, network): retried on another delivery until the limit. */
    record Retry(String reason) implements TaskOutcome {}
}
