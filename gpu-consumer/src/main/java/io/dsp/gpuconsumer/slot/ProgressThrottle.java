package io.dsp.gpuconsumer.slot;

import io.dsp.gpuconsumer.execution.TaskContext;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Passes a handler's progress on at most once per interval, but always when the status changes, so that clients see
 * {@code processing} at once and a frame counter does not flood {@code dsp.task-events}.
 */
final class ProgressThrottle implements TaskContext {

    private final Consumer<TaskProgress> publish;
    private final Duration interval;
    private final Clock clock;
    private final BooleanSupplier held;
    private Instant lastAt;
    private String lastStatus;

    ProgressThrottle(Consumer<TaskProgress> publish, Duration interval, Clock clock) {
        this(publish, interval, clock, () -> true);
    }

    ProgressThrottle(Consumer<TaskProgress> publish, Duration interval, Clock clock, BooleanSupplier held) {
        this.publish = publish;
        this.interval = interval;
        this.clock = clock;
        this.held = held;
    }

    /** The context of a task a slot runs: its progress published, and whether its lease still surely holds it. */
    static ProgressThrottle of(
            TaskReporter reporter,
            TaskRequested task,
            int delivery,
            Duration interval,
            Clock clock,
            BooleanSupplier held) {
        return new ProgressThrottle(p -> reporter.progress(task, delivery, p), interval, clock, held);
    }

    @Override
    public boolean holdsTask() {
        return held.getAsBoolean();
    }

    @Override
    public synchronized void progress(TaskProgress progress) {
        Instant now = clock.instant();
        boolean statusChanged = !Objects.equals(progress.getStatus(), lastStatus);
        if (statusChanged || lastAt == null || !now.isBefore(lastAt.plus(interval))) {
            lastAt = now;
            lastStatus = progress.getStatus();
            publish.accept(progress);
        }
    }
}
