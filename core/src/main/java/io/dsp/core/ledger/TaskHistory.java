package io.dsp.core.ledger;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.event.OutcomeFence;
import io.dsp.schemas.event.TaskEvents;
import java.util.Objects;

/**
 * Folds one task's events, in log order, into what a worker must know before running it. Only the steps that matter
 * for that are kept, so a worker can hold the history of many tasks.
 */
final class TaskHistory {

    private TaskEventType outcome;
    private String openWorkerId;
    private boolean open;
    /** Whether the open attempt runs alone on its worker (its STARTED said so). */
    private boolean openAlone;
    /** Whether a gateway let go of the open attempt while its legacy worker lived: no death when it ends unended. */
    private boolean openLetGo;
    /** The delivery count of the open attempt's STARTED (null: none given). */
    private Integer openDelivery;

    /**
     * The attempt the latest STARTED found open and counted as abandoned: a let-go of it may land after that STARTED
     * (the gateway saw its lock lost only at its next renewal), and then turns that death into a let-go.
     */
    private String closedWorkerId;

    private Integer closedDelivery;
    private boolean closedLetGo;
    /** {@link #lastAbandonedAlone} before that attempt was counted, to put back if it turns out to be a let-go. */
    private boolean aloneBeforeClosed;

    private int abandoned;
    /** Of {@link #abandoned}, those let go of by their gateway. */
    private int letGo;
    /** Whether the latest death (an abandoned attempt not let go of, before the open one) ran alone. */
    private boolean lastAbandonedAlone;

    private long lastEventAt = Long.MIN_VALUE;
    private final OutcomeFence fence = new OutcomeFence();

    /** Whether an event of this type can change a history; events of other types need not be kept at all. */
    static boolean matters(TaskEvent event) {
        return switch (event.getType()) {
            case STARTED, SUCCEEDED, FAILED, CANCELLED, DEAD_LETTERED -> true;
            case PROGRESS -> isRequeue(event) || isLetGo(event);
            default -> false;
        };
    }

    /**
     * A PROGRESS step back to {@code queued} carrying an error: the worker ended its attempt and released the task (a
     * retry, or a graceful stop). Legacy progress never carries an error while queued.
     */
    static boolean isRequeue(TaskEvent event) {
        return event.getType() == TaskEventType.PROGRESS
                && event.getError() != null
                && event.getProgress() != null
                && "queued".equals(event.getProgress().getStatus());
    }

    /** A gateway let go of the attempt while its legacy worker lived ({@link TaskEvents#letGo}). */
    static boolean isLetGo(TaskEvent event) {
        return event.getType() == TaskEventType.PROGRESS
                && event.getError() != null
                && TaskEvents.LET_GO.equals(event.getError().getCode());
    }

    /**
     * Folds one event in; false when it was a stale outcome (ADR 018): written by an attempt whose task had been handed
     * on and started again, it neither ends the task nor closes the newer attempt.
     */
    boolean apply(TaskEvent event) {
        if (TaskEvents.isTerminal(event.getType()) && !fence.admits(event)) {
            return false;
        }
        fence.apply(event);
        switch (event.getType()) {
            case STARTED -> {
                closedWorkerId = null;
                if (open) {
                    abandoned++;
                    if (openLetGo) {
                        letGo++;
                    } else {
                        aloneBeforeClosed = lastAbandonedAlone;
                        lastAbandonedAlone = openAlone;
                    }
                    closedWorkerId = openWorkerId;
                    closedDelivery = openDelivery;
                    closedLetGo = openLetGo;
                }
                open = true;
                openLetGo = false;
                openDelivery = event.getDeliveryCount();
                openWorkerId = event.getWorkerId();
                openAlone = Boolean.TRUE.equals(event.getRanAlone());
            }
            case SUCCEEDED, FAILED, CANCELLED -> {
                if (outcome == null) {
                    outcome = event.getType();
                }
                open = false;
            }
            case DEAD_LETTERED -> {
                // A dead letter is re-driven on purpose: it runs again, with a clean count of deaths.
                outcome = null;
                open = false;
                abandoned = 0;
                letGo = 0;
                lastAbandonedAlone = false;
                closedWorkerId = null;
            }
            case PROGRESS -> {
                // A give-back closes the attempt of its own delivery only: one from an older delivery (its worker lost
                // the lock) leaves the newer attempt open, and one from a newer delivery that never started says
                // nothing of the open attempt, whose worker may have died (its death still counts).
                if (isRequeue(event) && ofTheOpenAttempt(event)) {
                    open = false;
                } else if (isLetGo(event)) {
                    letGo(event);
                }
            }
            default -> {
                // accepted, queued, dispatched: nothing a worker decides on
            }
        }
        if (!open) {
            openWorkerId = null;
            openAlone = false;
            openLetGo = false;
        }
        return true;
    }

    /**
     * A let-go names its attempt by worker and delivery (a broker restart starts delivery counts again, so the delivery
     * alone may name another worker's attempt). The open attempt stays open: its worker may finish it, and the next
     * holder follows it (ADR 037). One that the next STARTED already counted as a death is counted as a let-go instead.
     */
    private void letGo(TaskEvent event) {
        String workerId = event.getWorkerId();
        if (open && workerId != null && workerId.equals(openWorkerId) && ofTheOpenAttempt(event)) {
            openLetGo = true;
        } else if (closedWorkerId != null
                && !closedLetGo
                && closedWorkerId.equals(workerId)
                && Objects.equals(closedDelivery, event.getDeliveryCount())) {
            letGo++;
            closedLetGo = true;
            lastAbandonedAlone = aloneBeforeClosed;
        }
    }

    private boolean ofTheOpenAttempt(TaskEvent giveBack) {
        Integer delivery = giveBack.getDeliveryCount();
        return delivery == null || fence.startedDelivery() == 0 || delivery == fence.startedDelivery();
    }

    /**
     * Notes the time of an event of this task (its Kafka record's timestamp, epoch millis); the latest one is kept, so
     * that a ledger can forget tasks that have been silent for longer than its horizon (ADR 024).
     */
    void seenAt(long timestamp) {
        if (timestamp > lastEventAt) {
            lastEventAt = timestamp;
        }
    }

    /** The latest time noted with {@link #seenAt}, epoch millis; {@link Long#MIN_VALUE} when none was. */
    long lastEventAt() {
        return lastEventAt;
    }

    PriorAttempts prior() {
        return new PriorAttempts(
                outcome,
                abandoned + (open ? 1 : 0),
                open ? openWorkerId : null,
                fence.startedDelivery(),
                open && !openLetGo ? openAlone : lastAbandonedAlone,
                letGo + (open && openLetGo ? 1 : 0));
    }
}
