package io.dsp.core.ledger;

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

    /** Why the ledger stopped keeping up, if it did: no task can be checked, so none runs. */
    Optional<String> failure();
}
