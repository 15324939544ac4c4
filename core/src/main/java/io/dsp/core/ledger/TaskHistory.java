package io.dsp.core.ledger;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;

/**
 * Folds one task's events, in log order, into what a worker must know before running it. Only the steps that matter
 * for that are kept, so a worker can hold the history of many tasks.
 */
final class TaskHistory {

    private TaskEventType outcome;
    private String openWorkerId;
    private boolean open;
    private int abandoned;

    /** Whether an event of this type can change a history; events of other types need not be kept at all. */
    static boolean matters(TaskEvent event) {
        return switch (event.getType()) {
            case STARTED, SUCCEEDED, FAILED, CANCELLED, DEAD_LETTERED -> true;
            case PROGRESS -> isRequeue(event);
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

    void apply(TaskEvent event) {
        switch (event.getType()) {
            case STARTED -> {
                if (open) {
                    abandoned++;
                }
                open = true;
                openWorkerId = event.getWorkerId();
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
            }
            case PROGRESS -> {
                if (isRequeue(event)) {
                    open = false;
                }
            }
            default -> {
                // accepted, queued, dispatched: nothing a worker decides on
            }
        }
        if (!open) {
            openWorkerId = null;
        }
    }

    PriorAttempts prior() {
        return new PriorAttempts(outcome, abandoned + (open ? 1 : 0), open ? openWorkerId : null);
    }
}
