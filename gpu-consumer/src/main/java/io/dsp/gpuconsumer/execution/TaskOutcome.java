package io.dsp.gpuconsumer.execution;

import io.dsp.schemas.avro.StoredResult;

/** What a handler reports about one run of a task. */
public sealed interface TaskOutcome {

    /**
     * Done; {@code resultJson} is the legacy result object, {@code stored} the file it produced in the central result
     * store (null for tasks that produce none).
     */
    record Succeeded(String resultJson, StoredResult stored) implements TaskOutcome {

        public Succeeded(String resultJson) {
            this(resultJson, null);
        }
    }

    /** Will never succeed (bad payload, unknown type): recorded as failed, not retried. */
    record Failed(String code, String message) implements TaskOutcome {}

    /** Stopped or never started because its owner cancelled it; any result it produced is discarded. */
    record Cancelled(String reason) implements TaskOutcome {}

    /** May succeed later (engine busy, network): retried on another delivery until the limit. */
    record Retry(String reason) implements TaskOutcome {}
}
