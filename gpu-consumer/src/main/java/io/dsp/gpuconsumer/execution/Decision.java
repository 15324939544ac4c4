package io.dsp.gpuconsumer.execution;

import org.apache.kafka.clients.consumer.AcknowledgeType;

/**
 * The closed set of ways a delivery ends, with the share-group acknowledgement each one sends. Mapping outcomes to
 * decisions happens only in {@link #of}.
 */
public enum Decision {
    SUCCEED(AcknowledgeType.ACCEPT),
    FAIL(AcknowledgeType.ACCEPT),
    RETRY(AcknowledgeType.RELEASE),
    /** Last allowed delivery failed transiently: the worker dead-letters it, the broker would archive it silently. */
    DEAD_LETTER(AcknowledgeType.ACCEPT),
    /** Not a task at all (undecodable): nothing to record against a request id. */
    REJECT(AcknowledgeType.REJECT);

    private final AcknowledgeType acknowledgement;

    Decision(AcknowledgeType acknowledgement) {
        this.acknowledgement = acknowledgement;
    }

    public AcknowledgeType acknowledgement() {
        return acknowledgement;
    }

    /** The decision for an outcome on the given delivery (1 = first) when the broker allows {@code limit}. */
    public static Decision of(TaskOutcome outcome, int deliveryCount, int limit) {
        if (outcome instanceof TaskOutcome.Succeeded) {
            return SUCCEED;
        }
        if (outcome instanceof TaskOutcome.Failed) {
            return FAIL;
        }
        return deliveryCount >= limit ? DEAD_LETTER : RETRY;
    }
}
