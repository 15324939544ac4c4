package io.dsp.assetapi.task;

import io.dsp.assetapi.readmodel.TaskChanges;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskLife;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Observed service times (STARTED to SUCCEEDED or FAILED of the same attempt) as an exponentially weighted moving
 * average per task type, and over all types, in this process. Fed by every change of the task-lives aggregate, so it
 * learns from the tasks of the partitions this instance owns (all of them with one instance; a sample with several,
 * which is enough for an average) and relearns from {@code dsp.task-events} after a restart with a fresh state.
 */
@Component
public class ServiceTimes {

    static final String ALL = "*";

    private final EstimateSettings settings;
    private final Clock clock;
    private final Map<String, Average> averages = new ConcurrentHashMap<>();
    /** Terminal events already counted, so a re-emitted life (a duplicate event) is not counted twice. */
    private final Map<String, Boolean> counted = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    };

    private record Average(double seconds, Instant observedAt) {}

    public ServiceTimes(EstimateSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Autowired
    ServiceTimes(EstimateSettings settings, Clock clock, TaskChanges changes) {
        this(settings, clock);
        changes.observeAll(this::onChange);
    }

    /** Learns from a task's new state when it just ended after starting. */
    public void onChange(TaskLife life) {
        List<TaskEvent> events = life.getEvents();
        if (events.isEmpty()) {
            return;
        }
        TaskEvent last = events.get(events.size() - 1);
        if (last.getType() != TaskEventType.SUCCEEDED && last.getType() != TaskEventType.FAILED) {
            return;
        }
        TaskEvent started = null;
        for (TaskEvent e : events) {
            if (e.getType() == TaskEventType.STARTED && !e.getAt().isAfter(last.getAt())) {
                started = e;
            }
        }
        if (started == null) {
            return;
        }
        synchronized (counted) {
            if (counted.put(last.getEventId(), Boolean.TRUE) != null) {
                return;
            }
        }
        observe(life.getTaskType(), Duration.between(started.getAt(), last.getAt()));
    }

    /** Adds one observed service time of a task type. */
    public void observe(String taskType, Duration serviceTime) {
        double seconds = Math.max(0, serviceTime.toMillis() / 1000.0);
        Instant now = clock.instant();
        for (String key : new String[] {taskType, ALL}) {
            averages.merge(
                    key,
                    new Average(seconds, now),
                    (old, fresh) -> new Average(
                            settings.alpha() * fresh.seconds() + (1 - settings.alpha()) * old.seconds(), now));
        }
    }

    /** The typical service time of this type (else of any type), if one was observed within the max age. */
    public Optional<Duration> typical(String taskType) {
        Instant cutoff = clock.instant().minus(settings.maxAge());
        return Optional.ofNullable(averages.get(taskType))
                .filter(a -> a.observedAt().isAfter(cutoff))
                .or(() -> Optional.ofNullable(averages.get(ALL))
                        .filter(a -> a.observedAt().isAfter(cutoff)))
                .map(a -> Duration.ofMillis(Math.round(a.seconds() * 1000)));
    }
}
