package io.dsp.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.TaskScheduler;

/**
 * One component's periodic and delayed work on the gateway's shared {@link TaskScheduler} (the {@code gatewayTimers}
 * bean), instead of a thread of its own: what it scheduled, so that its {@code stop()} cancels exactly that. A failed
 * run is logged with what it was and the next run still happens.
 */
public final class Timers {

    private static final Logger log = LoggerFactory.getLogger(Timers.class);

    private final TaskScheduler scheduler;
    private final List<ScheduledFuture<?>> scheduled = new CopyOnWriteArrayList<>();

    public Timers(TaskScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Runs {@code work} every {@code period} (from the end of one run to the start of the next), first after one. */
    public void every(Duration period, String what, Runnable work) {
        every(period, period, what, work);
    }

    /** Runs {@code work} every {@code period}, first after {@code initialDelay}. */
    public void every(Duration initialDelay, Duration period, String what, Runnable work) {
        scheduled.add(scheduler.scheduleWithFixedDelay(
                () -> logged(what, work), Instant.now().plus(initialDelay), period));
    }

    /** Runs {@code work} once after {@code delay}. */
    public void once(Duration delay, String what, Runnable work) {
        scheduled.removeIf(ScheduledFuture::isDone);
        scheduled.add(scheduler.schedule(() -> logged(what, work), Instant.now().plus(delay)));
    }

    /** Cancels everything scheduled here (a run in progress is interrupted). */
    public void cancelAll() {
        scheduled.forEach(f -> f.cancel(true));
        scheduled.clear();
    }

    /** True while periodic work is scheduled. */
    public boolean active() {
        return scheduled.stream().anyMatch(f -> !f.isDone());
    }

    private static void logged(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.warn("{} failed: {}", what, e.toString());
        }
    }
}
