package io.dsp.core.slot;

import io.dsp.core.ledger.PriorAttempts;
import io.dsp.core.ledger.TaskLedger;
import io.dsp.schemas.avro.TaskEventType;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the fleet's task ledger says about an acquired task before a slot runs it. Both kinds of slot (a native
 * worker's and a bridged legacy worker's) ask through here, so the rule is one: a task that already ended is never run
 * again, one that cannot be checked in time is not run unchecked, and starts that never ended are reported.
 */
public sealed interface LedgerVerdict {

    /** Never ended in the fleet: the slot may run it; {@code prior} counts the starts that were abandoned. */
    record Run(PriorAttempts prior) implements LedgerVerdict {}

    /** Already ended in the fleet (a lost acknowledgement, a replay, a duplicate release, a cancellation). */
    record AlreadyEnded(TaskEventType outcome) implements LedgerVerdict {}

    /** The ledger did not answer in time: the slot gives the task back instead of running it unchecked. */
    record Unchecked(String reason) implements LedgerVerdict {}

    /** Asks the ledger about {@code requestId} for the slot named {@code slot}, logging what it found. */
    static LedgerVerdict of(TaskLedger ledger, String slot, String requestId, int delivery)
            throws InterruptedException {
        Logger log = LoggerFactory.getLogger(LedgerVerdict.class);
        PriorAttempts prior;
        try {
            prior = ledger.priorAttempts(requestId);
        } catch (TimeoutException e) {
            log.warn(
                    "slot {} cannot check requestId={} in the ledger; not running it: {}",
                    slot,
                    requestId,
                    e.getMessage());
            return new Unchecked(e.getMessage());
        }
        if (prior.finished()) {
            log.info(
                    "requestId={} already {} in the fleet; delivery {} acknowledged without running it again",
                    requestId,
                    prior.outcome(),
                    delivery);
            return new AlreadyEnded(prior.outcome());
        }
        if (prior.abandoned() > 0) {
            log.warn(
                    "requestId={} was started {} time(s) without an end, last by {}: its worker died or left mid-task",
                    requestId,
                    prior.abandoned(),
                    prior.lastWorkerId());
        }
        return new Run(prior);
    }
}
