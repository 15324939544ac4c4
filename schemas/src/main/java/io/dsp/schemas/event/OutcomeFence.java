package io.dsp.schemas.event;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import java.util.List;
import java.util.Optional;

/**
 * The rule that keeps a worker whose lock lapsed (paused, partitioned, stopped past its lock) from recording an
 * outcome over the attempt that took the task from it (ADR 018). Fed a task's events in log order, it says whether an
 * outcome counts: an outcome written by an attempt (worker and delivery) older than the latest attempt that STARTED
 * since is stale, because that later delivery means the broker handed the task on and its new holder now owns the
 * outcome. Every reader that decides when a task ended (the workers' ledger, the task status) applies this one rule.
 *
 * <p>Attempts are ordered by the broker's delivery count: a later delivery of the same dispatch record always counts
 * higher. A dead letter starts the count again (a re-driven task is released anew). Only SUCCEEDED and FAILED are
 * fenced: a cancellation is its owner's wish for the whole task, whoever records it. Outcomes without a delivery count
 * (an edge's refusal, a cancellation before release) are never fenced.
 */
public final class OutcomeFence {

    private String startedBy;
    private int startedDelivery;

    /**
     * The event that ended a task, among its events in log order: the first terminal one the fence admits; empty while
     * the task has not ended (a stale outcome alone does not end it).
     */
    public static Optional<TaskEvent> outcome(List<TaskEvent> events) {
        OutcomeFence fence = new OutcomeFence();
        for (TaskEvent event : events) {
            if (TaskEvents.isTerminal(event.getType()) && fence.admits(event)) {
                return Optional.of(event);
            }
            fence.apply(event);
        }
        return Optional.empty();
    }

    /** Takes one event of the task, in log order. */
    public void apply(TaskEvent event) {
        if (event.getType() == TaskEventType.STARTED && event.getDeliveryCount() != null) {
            startedBy = event.getWorkerId();
            startedDelivery = event.getDeliveryCount();
        } else if (event.getType() == TaskEventType.DEAD_LETTERED) {
            startedBy = null;
            startedDelivery = 0;
        }
    }

    /**
     * Whether this terminal event ends the task, given the events applied before it; false for a stale SUCCEEDED or
     * FAILED, which readers count as such and otherwise ignore.
     */
    public boolean admits(TaskEvent outcome) {
        return admits(outcome.getType(), outcome.getDeliveryCount(), startedDelivery());
    }

    /**
     * The rule itself: whether an outcome of this type, written by an attempt of {@code delivery} (null: none), ends a
     * task whose latest start was of {@code startedDelivery} (0: none since the last dead letter).
     */
    public static boolean admits(TaskEventType type, Integer delivery, int startedDelivery) {
        boolean fenceable = type == TaskEventType.SUCCEEDED || type == TaskEventType.FAILED;
        return !fenceable || delivery == null || startedDelivery == 0 || delivery >= startedDelivery;
    }

    /** The delivery count of the attempt that started last (0: none since the last dead letter). */
    public int startedDelivery() {
        return startedBy == null ? 0 : startedDelivery;
    }

    /** The worker whose attempt started last (null: none since the last dead letter). */
    public String startedBy() {
        return startedBy;
    }
}
