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

    /** Why the ledger stopped keeping up, if it did: no task can be checked, so none runs. */
    Optional<String> failure();
}
