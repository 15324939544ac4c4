package io.dsp.assetapi.limits;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.readmodel.InFlightTask;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.web.ApiException;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Per-license, per-task-type caps on unfinished tasks (legacy: one {@code heygem_submit} at a time per license), from
 * the {@code in-flight-tasks} index of {@code dsp.task-events}, of which a check reads only the cap's number of oldest
 * entries. Within an instance, admissions of one (license, type) are serialised and tasks this instance just accepted
 * count before the index shows them. Across instances, two submissions within the index's delay (a repartition hop,
 * well under a second) can both pass; the cap is a guard against runaway clients, not a lock. Unlike the legacy
 * gateway, a queued task is not replaced by a new one: it counts until it ends (cancel it to submit another).
 */
@Component
public class InFlightCaps {

    /** How long a task this instance accepted counts on its own, before the index must show it. */
    private static final Duration PENDING = Duration.ofSeconds(30);

    private final ReadModels readModels;
    private final LimitSettings settings;
    private final Clock clock;
    private final Map<String, Map<String, Instant>> pending = new ConcurrentHashMap<>();
    private final Object[] stripes = Stream.generate(Object::new).limit(64).toArray();

    InFlightCaps(ReadModels readModels, LimitSettings settings, Clock clock) {
        this.readModels = readModels;
        this.settings = settings;
        this.clock = clock;
    }

    /** Runs {@code submit} unless the license already has as many unfinished tasks of this type as allowed. */
    public TaskRequested admit(AuthenticatedLicense license, String taskType, Supplier<TaskRequested> submit) {
        int cap = settings.capOf(taskType);
        if (cap <= 0) {
            return submit.get();
        }
        String key = license.licenseKey() + "|" + taskType;
        synchronized (stripes[Math.floorMod(key.hashCode(), stripes.length)]) {
            Map<String, Instant> unfinished = unfinished(license.licenseKey(), taskType, key, cap);
            if (unfinished.size() >= cap) {
                Instant oldest =
                        unfinished.values().stream().min(Instant::compareTo).orElseThrow();
                long seconds = Duration.between(oldest, clock.instant()).toSeconds();
                throw new ApiException(HttpStatus.CONFLICT, "任务处理中，请等待完成（已用时 " + Math.max(0, seconds) + "秒）");
            }
            TaskRequested task = submit.get();
            pending.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(task.getRequestId(), clock.instant());
            return task;
        }
    }

    /**
     * The unfinished tasks that decide a check: the index's {@code cap} oldest not yet expired (if that many, the cap is
     * reached and the first is the oldest of all; if fewer, they are all) and this instance's pending ones.
     */
    private Map<String, Instant> unfinished(String licenseKey, String taskType, String key, int cap) {
        Instant now = clock.instant();
        Instant expiry = now.minus(settings.inFlightExpiry());
        Map<String, Instant> unfinished = new LinkedHashMap<>();
        for (InFlightTask task : readModels.inFlight(licenseKey, taskType, expiry, cap)) {
            unfinished.put(task.requestId(), task.acceptedAt());
        }
        Map<String, Instant> mine = pending.getOrDefault(key, Map.of());
        mine.entrySet().removeIf(e -> e.getValue().isBefore(now.minus(PENDING)) || finished(e.getKey()));
        mine.forEach(unfinished::putIfAbsent);
        return unfinished;
    }

    private boolean finished(String requestId) {
        return readModels.taskLife(requestId).stream()
                .flatMap(life -> life.getEvents().stream())
                .map(TaskEvent::getType)
                .anyMatch(TaskEvents::isTerminal);
    }
}
