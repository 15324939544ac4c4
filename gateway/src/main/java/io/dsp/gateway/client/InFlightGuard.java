package io.dsp.gateway.client;

import io.dsp.core.intake.ClientRequestIds;
import io.dsp.gateway.protocol.Frames;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.event.TaskEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The legacy duplicate-submission guard (spec section 3, {@code dsp:task_status}): a license may have at most its cap of
 * unfinished tasks of a capped type; a WebSocket submit past it gets the legacy error frame
 * {@code 任务处理中，请等待完成（已用时 N秒）} with {@code old_request_id}. Fed by {@code dsp.task-events} (every
 * edge's tasks count, HTTP ones too) from {@link InFlightCapSettings#expiry()} back, and by this instance's own
 * admissions before their events come back. Only capped types are tracked, so the index stays small.
 *
 * <p>Across gateway instances two submits within the event delay (well under a second) can both pass: a guard against
 * double taps and runaway clients, not a lock. Unlike the legacy gateway a queued task is not replaced by a new one.
 */
@Component
@EnableConfigurationProperties(InFlightCapSettings.class)
public class InFlightGuard {

    private final InFlightCapSettings settings;
    private final Clock clock;
    /** Unfinished tasks of capped types by (license, type), oldest first: request id to accepted-at. */
    private final Map<String, LinkedHashMap<String, Instant>> unfinished = new HashMap<>();

    private final Map<String, String> keyOf = new HashMap<>();

    InFlightGuard(InFlightCapSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** One record of {@code dsp.task-events}. */
    public synchronized void event(TaskEvent event) {
        if (++seen % PURGE_EVERY == 0) {
            purgeExpired();
        }
        if (event.getType() == TaskEventType.ACCEPTED) {
            if (settings.capOf(event.getTaskType()) > 0) {
                add(event.getLicenseKey(), event.getTaskType(), event.getRequestId(), event.getAt());
            }
        } else if (TaskEvents.isTerminal(event.getType())) {
            String key = keyOf.remove(event.getRequestId());
            if (key != null) {
                Map<String, Instant> tasks = unfinished.get(key);
                tasks.remove(event.getRequestId());
                if (tasks.isEmpty()) {
                    unfinished.remove(key);
                }
            }
        }
    }

    /**
     * Admits a submit of this type for this license, or returns the legacy error frame. An admitted task counts at once.
     *
     * @param requestId the new task's request id (counted when admitted)
     */
    public synchronized Optional<Map<String, Object>> admit(String licenseKey, String taskType, String requestId) {
        return admit(licenseKey, taskType, requestId, requestId);
    }

    /**
     * As {@link #admit(String, String, String)}, answering with the ids the client knows ({@code shown} for the new
     * task, the older task's own id as its client knows it).
     */
    public synchronized Optional<Map<String, Object>> admit(
            String licenseKey, String taskType, String requestId, String shown) {
        int cap = settings.capOf(taskType);
        if (cap <= 0) {
            return Optional.empty();
        }
        String key = key(licenseKey, taskType);
        LinkedHashMap<String, Instant> tasks = unfinished.getOrDefault(key, new LinkedHashMap<>());
        Instant now = clock.instant();
        Instant horizon = now.minus(settings.expiry());
        tasks.entrySet().removeIf(e -> {
            boolean expired = e.getValue().isBefore(horizon);
            if (expired) {
                keyOf.remove(e.getKey());
            }
            return expired;
        });
        if (tasks.size() >= cap) {
            Map.Entry<String, Instant> oldest = tasks.entrySet().iterator().next();
            long seconds = Math.max(0, Duration.between(oldest.getValue(), now).toSeconds());
            Map<String, Object> frame = Frames.error("任务处理中，请等待完成（已用时 " + seconds + "秒）", shown);
            frame.put("task_type", taskType);
            frame.put("old_request_id", ClientRequestIds.shown(licenseKey, oldest.getKey()));
            return Optional.of(frame);
        }
        add(licenseKey, taskType, requestId, now);
        return Optional.empty();
    }

    /** A task admitted here that never reached Kafka: it no longer counts. */
    public synchronized void withdraw(String requestId) {
        String key = keyOf.remove(requestId);
        if (key != null && unfinished.containsKey(key)) {
            unfinished.get(key).remove(requestId);
        }
    }

    /** Tasks that never ended (lost) stop counting after the expiry; dropped here so the index stays bounded. */
    private void purgeExpired() {
        Instant horizon = clock.instant().minus(settings.expiry());
        for (var tasks = unfinished.values().iterator(); tasks.hasNext(); ) {
            LinkedHashMap<String, Instant> of = tasks.next();
            of.entrySet().removeIf(e -> {
                boolean expired = e.getValue().isBefore(horizon);
                if (expired) {
                    keyOf.remove(e.getKey());
                }
                return expired;
            });
            if (of.isEmpty()) {
                tasks.remove();
            }
        }
    }

    private static final int PURGE_EVERY = 10_000;
    private long seen;

    private void add(String licenseKey, String taskType, String requestId, Instant at) {
        String key = key(licenseKey, taskType);
        if (keyOf.putIfAbsent(requestId, key) == null) {
            unfinished.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(requestId, at);
        }
    }

    private static String key(String licenseKey, String taskType) {
        return licenseKey + '|' + taskType;
    }
}
