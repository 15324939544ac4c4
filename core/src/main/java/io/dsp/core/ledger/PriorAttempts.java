package io.dsp.core.ledger;

import io.dsp.schemas.avro.TaskEventType;
import java.util.Optional;

/**
 * What the fleet recorded about a task before this delivery.
 *
 * @param outcome the terminal step that ended the task (SUCCEEDED, FAILED or CANCELLED); {@code null} while it has
 *     none. A DEAD_LETTERED task has none: whoever re-drives a dead letter asks for it to run again.
 * @param abandoned attempts that started and never ended (no outcome, no release): each one's worker died or lost the
 *     task mid-run. Counted since the task was last dead-lettered.
 * @param lastWorkerId the worker of the attempt still open (started, neither ended nor given back), {@code null} when
 *     none is open; that worker died, lost the task, or may still be finishing it
 */
public record PriorAttempts(TaskEventType outcome, int abandoned, String lastWorkerId) {

    public static final PriorAttempts NONE = new PriorAttempts(null, 0, null);

    /** The worker whose attempt is still open, if one is: it may yet report an outcome. */
    public Optional<String> openOn() {
        return Optional.ofNullable(lastWorkerId);
    }

    /** Finished for good: running it again would repeat its effect. */
    public boolean finished() {
        return outcome != null;
    }
}
