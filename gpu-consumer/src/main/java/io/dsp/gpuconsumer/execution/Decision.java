package io.dsp.gpuconsumer.execution;

import org.apache.kafka.clients.consumer.AcknowledgeType;

/**
 * The closed set of ways a delivery ends, with the share-group acknowledgement each one sends. Mapping a handler's
 * outcome to a decision happens only in {@link #of}; {@link #SKIP} and {@link #QUARANTINE} are decided from the task's
 * history before it runs.
 */
public enum Decision {
    SUCCEED(AcknowledgeType.ACCEPT),
    FAIL(AcknowledgeType.ACCEPT),
    RETRY(AcknowledgeType.RELEASE),
    /** Last allowed delivery failed transiently: the worker dead-letters it, the broker would archive it silently. */
    DEAD_LETTER(AcknowledgeType.ACCEPT),
    /** Its owner cancelled it (before it started, or while it ran): recorded CANCELLED, never delivered again. */
    CANCEL(AcknowledgeType.ACCEPT),
    /** Not a task at all (undecodable): nothing to record against a request id. */
    REJECT(AcknowledgeType.REJECT),
    /** Finished before (a redelivery after a lost acknowledgement, a duplicate forward, a replay): not run again. */
    SKIP(AcknowledgeType.ACCEPT),
    /** Its earlier attempts killed their workers too often: dead-lettered without running it again. */
    QUARANTINE(AcknowledgeType.ACCEPT);

    private final AcknowledgeType acknowledgement;

    Decision(AcknowledgeType acknowledgement) {
        this.acknowledgement = acknowledgement;
    }

    public AcknowledgeType acknowledgement() {
        return acknowledgement;
    }

    /**
     * Whether the record is done with for good ({@code ACCEPT} after its outcome was recorded, {@code REJECT} of one
     * that cannot be read), so its acknowledgement may ride on the next poll instead of a commit of its own.
     */
    public boolean endsTheRecord() {
        return acknowledgement == AcknowledgeType.ACCEPT || acknowledgement == AcknowledgeType.REJECT;
    }

    /** The decision for an outcome on the given delivery (1 = first) when the broker allows {@code limit}. */
    public static Decision of(TaskOutcome outcome, int deliveryCount, int limit) {
        if (outcome instanceof TaskOutcome.Succeeded) {
            return SUCCEED;
        }
        if (outcome instanceof TaskOutcome.Failed) {
            return FAIL;
        }
        if (outcome instanceof TaskOutcome.Cancelled) {
            return CANCEL;
        }
        return giveBack(deliveryCount, limit);
    }

    /**
     * The decision for a task given back unrun (its ledger could not be checked, the worker stops): another delivery,
     * or on the last one a dead letter, because the broker would archive it after that without a word.
     */
    public static Decision giveBack(int deliveryCount, int limit) {
        return deliveryCount >= limit ? DEAD_LETTER : RETRY;
    }

    /**
     * Whether a task whose worker died mid-task on {@code abandoned} earlier deliveries must not be run on this one: on
     * the last delivery a run that kills this worker too leaves the broker to archive the task without a word, so it is
     * dead-lettered instead, for an operator to redrive (issue 17: no silent end).
     */
    public static boolean tooLateToRiskAnotherDeath(int deliveryCount, int limit, int abandoned) {
        return abandoned > 0 && giveBack(deliveryCount, limit) == DEAD_LETTER;
    }
}
