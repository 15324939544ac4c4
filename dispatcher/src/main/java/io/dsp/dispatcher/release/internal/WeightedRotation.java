package io.dsp.dispatcher.release.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Weighted round-robin over queues: the queue whose turn it is may be taken up to its weight times in a row, then the
 * turn moves on. With every queue waiting, a weight-3 queue gets three takes per take of a weight-1 queue; a queue with
 * nothing to give loses the rest of its turn (its unused credit is not saved, so a queue that was idle cannot burst
 * ahead of the others later). The turn and the credit left survive between calls, because a release turn often has
 * room for one task only.
 *
 * @param <Q> what a queue is known by
 */
final class WeightedRotation<Q> {

    private final ToIntFunction<Q> weight;
    private final List<Q> order = new ArrayList<>();
    private int next;
    private int credit;

    WeightedRotation(ToIntFunction<Q> weight) {
        this.weight = weight;
    }

    void add(Q queue) {
        order.add(queue);
        if (order.size() == 1) {
            next = 0;
            credit = weightOf(queue);
        }
    }

    void remove(Q queue) {
        int index = order.indexOf(queue);
        if (index < 0) {
            return;
        }
        order.remove(index);
        if (order.isEmpty()) {
            next = 0;
            credit = 0;
        } else if (index < next) {
            next--; // keep the turn on the queue that had it
        } else if (index == next) {
            next = next % order.size(); // the turn passes to the queue after the removed one, with fresh credit
            credit = weightOf(order.get(next));
        }
    }

    /** The queue to take from now among those that {@code canGive}, charging it one take; empty when none can. */
    Optional<Q> take(Predicate<Q> canGive) {
        for (int tried = 0; tried <= order.size() && !order.isEmpty(); tried++) {
            Q queue = order.get(next);
            if (credit > 0 && canGive.test(queue)) {
                credit--;
                return Optional.of(queue);
            }
            next = (next + 1) % order.size();
            credit = weightOf(order.get(next));
        }
        return Optional.empty();
    }

    List<Q> queues() {
        return List.copyOf(order);
    }

    private int weightOf(Q queue) {
        return Math.max(1, weight.applyAsInt(queue));
    }
}
