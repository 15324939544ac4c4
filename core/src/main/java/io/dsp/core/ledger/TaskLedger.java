package io.dsp.core.ledger;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The fleet-wide record of what happened to every task, consulted before a slot runs one, so that a redelivery, a
 * duplicate forward or a replay never runs finished work again. It survives restarts: it is rebuilt from Kafka.
 */
public interface TaskLedger {

    /**
     * What the fleet recorded about this task, including everything any worker wrote before this call (a terminal
     * event acknowledged by Kafka before the call is always seen).
     *
     * @throws TimeoutException when the record cannot be brought up to date in time; the caller must not run the task
     */
    PriorAttempts priorAttempts(String requestId) throws InterruptedException, TimeoutException;

    /**
     * As {@link #priorAttempts}, and past every transaction on the topic still open at this call, once it has ended.
     * For a task another worker's attempt holds open: its outcome may have been written after another service's
     * transaction that is still open (a broker restart can leave one open until the coordinator aborts it), which a
     * read-committed ledger cannot see past.
     *
     * @throws TimeoutException when those transactions do not end within {@code timeout}
     */
    default PriorAttempts priorAttemptsPastOpenTransactions(String requestId, Duration timeout)
            throws InterruptedException, TimeoutException {
        return priorAttempts(requestId);
    }

    /**
     * What this copy already holds about the task, without bringing it up to date. An outcome found here is final (a
     * task that ended stays ended), so a slot may acknowledge on it; an absence proves nothing. For when the ledger
     * cannot reach the topic's end in time (a broker node down): a task that ended long ago must not go back to the
     * fleet delivery after delivery until its last, where it would be dead-lettered a second time.
     */
    default PriorAttempts knownNow(String requestId) {
        return PriorAttempts.NONE;
    }

    /** Why the ledger stopped keeping up, if it did: no task can be checked, so none runs. */
    Optional<String> failure();
}
