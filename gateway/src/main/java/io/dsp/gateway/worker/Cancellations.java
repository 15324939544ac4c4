package io.dsp.gateway.worker;

import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskRequested;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Cancellations read from {@code dsp.task-control} (the last hour at start, then as they come), so that a slot that
 * acquires a task cancelled after its release ends it as CANCELLED instead of running it. Only a command of the task's
 * own license counts: commands are kept per (task, license), so another license's command can neither stand for nor
 * replace the owner's. Bounded: the oldest are forgotten first.
 */
final class Cancellations {

    static final int CAPACITY = 50_000;

    private final Map<String, TaskControl> byRequest = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskControl> eldest) {
            return size() > CAPACITY;
        }
    };

    synchronized void add(TaskControl control) {
        byRequest.putIfAbsent(key(control.getRequestId(), control.getLicenseKey()), control);
    }

    /** The owner's cancellation of this task, if there is one. */
    synchronized Optional<TaskControl> of(TaskRequested task) {
        return Optional.ofNullable(byRequest.get(key(task.getRequestId(), task.getLicenseKey())));
    }

    private static String key(String requestId, String licenseKey) {
        return requestId + '\u0000' + licenseKey;
    }
}
