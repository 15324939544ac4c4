package io.dsp.core.ledger;

import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.event.OutcomeFence;
import java.util.Optional;

/**
 * What the fleet recorded about a task before this delivery.
 *
 * @param outcome the terminal step that ended the task (SUCCEEDED, FAILED or CANCELLED); {@code null} while it has
 *     none. A DEAD_LETTERED task has none: whoever re-drives a dead letter asks for it to run again.
 * @param abandoned attempts that started and never ended (no outcome, no release): each one's worker died or lost the
 *     task mid-run, or its gateway let go of it while its legacy worker lived ({@code letGo} of them). Counted since
 *     the task was last dead-lettered.
 * @param lastWorkerId the worker of the attempt still open (started, neither ended nor given back), {@code null} when
 *     none is open; that worker died, lost the task, or may still be finishing it
 * @param startedDelivery the delivery count of the attempt that started last, 0 when none did since the last dead
 *     letter: an outcome of an older delivery is stale ({@link OutcomeFence})
 * @param lastAbandonedAlone whether the latest death (an abandoned attempt not let go of) ran alone on its worker (its
 *     STARTED said {@code ranAlone}): its death was then this task's own doing, not possibly another task's on the same
 *     worker (ADR 038); false when none died
 * @param letGo abandoned attempts that a gateway let go of while their legacy worker stayed connected (a lost lock, a
 *     stop; {@code TaskEvents.letGo}): the worker may have finished them, and no worker died of them
 */
public record PriorAttempts(
        TaskEventType outcome,
        int abandoned,
        String lastWorkerId,
        int startedDelivery,
        boolean lastAbandonedAlone,
        int letGo) {

    public static final PriorAttempts NONE = new PriorAttempts(null, 0, null, 0);

    /** What the fleet recorded, no attempt let go of by its gateway. */
    public PriorAttempts(
            TaskEventType outcome,
            int abandoned,
            String lastWorkerId,
            int startedDelivery,
            boolean lastAbandonedAlone) {
        this(outcome, abandoned, lastWorkerId, startedDelivery, lastAbandonedAlone, 0);
    }

    /** What the fleet recorded, no abandoned attempt known to have run alone. */
    public PriorAttempts(TaskEventType outcome, int abandoned, String lastWorkerId, int startedDelivery) {
        this(outcome, abandoned, lastWorkerId, startedDelivery, false);
    }

    /** What the fleet recorded, with no attempt's delivery count known. */
    public PriorAttempts(TaskEventType outcome, int abandoned, String lastWorkerId) {
        this(outcome, abandoned, lastWorkerId, 0);
    }

    /**
     * Whether an outcome of {@code delivery} (null: none, as a cancellation before release) would end the task, by the
     * rule every reader applies ({@link OutcomeFence}): not when a later delivery has started since.
     */
    public boolean admits(TaskEventType outcomeType, Integer delivery) {
        return OutcomeFence.admits(outcomeType, delivery, startedDelivery);
    }

    /**
     * Abandoned attempts whose worker died or lost the task (not let go of by a gateway while their worker lived): what
     * the quarantine of a task that kills workers counts.
     */
    public int deaths() {
        return abandoned - letGo;
    }

    /** The worker whose attempt is still open, if one is: it may yet report an outcome. */
    public Optional<String> openOn() {
        return Optional.ofNullable(lastWorkerId);
    }

    /** Finished for good: running it again would repeat its effect. */
    public boolean finished() {
        return outcome != null;
    }
}
