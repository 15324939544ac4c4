package io.dsp.gpuconsumer.execution;

import java.time.Duration;

/**
 * How long a slot holds a transiently failed task before releasing it. The broker has no delayed redelivery, and a
 * release straight away hands the task back within milliseconds, so without a hold all allowed deliveries would be
 * spent in the same second the engine is down.
 */
public final class RetryBackoff {

    private RetryBackoff() {}

    /** {@code first} after the first delivery, doubled on each further one, never above {@code max}. */
    public static Duration after(int deliveryCount, Duration first, Duration max) {
        if (deliveryCount < 1) {
            throw new IllegalArgumentException("delivery count starts at 1, was " + deliveryCount);
        }
        Duration delay = first;
        for (int i = 1; i < deliveryCount && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
