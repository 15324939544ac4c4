package io.dsp.gateway.routing;

import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Recent tasks by request id, so that events (only {@code ACCEPTED} carries the origin) can be routed back to the
 * submitting connection: the origin of every {@code ACCEPTED} event read since this instance started (any edge, any
 * instance), and the tasks this instance's slots ran (for progress that arrives after a task's last step). Bounded:
 * the oldest are forgotten first, and a forgotten task's result goes to every connection of its license.
 */
@Component
public class Origins {

    static final int CAPACITY = 100_000;

    private final Map<String, TaskOrigin> origins = bounded();
    private final Map<String, TaskRequested> tasks = bounded();
    private final Map<String, String> owners = bounded();

    private static <V> Map<String, V> bounded() {
        return new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CAPACITY;
            }
        };
    }

    /** A task this instance accepted or one of its slots runs. */
    public synchronized void remember(TaskRequested task) {
        tasks.put(task.getRequestId(), task);
        owners.put(task.getRequestId(), task.getLicenseKey());
        if (task.getOrigin() != null) {
            origins.putIfAbsent(task.getRequestId(), task.getOrigin());
        }
    }

    /** The origin an {@code ACCEPTED} event carried. */
    public synchronized void accepted(String requestId, String licenseKey, TaskOrigin origin) {
        owners.put(requestId, licenseKey);
        if (origin != null) {
            origins.put(requestId, origin);
        }
    }

    public synchronized Optional<TaskRequested> find(String requestId) {
        return Optional.ofNullable(tasks.get(requestId));
    }

    /** The license that owns the task, if this instance saw it accepted or ran it. */
    public synchronized Optional<String> owner(String requestId) {
        return Optional.ofNullable(owners.get(requestId));
    }

    public synchronized Optional<TaskOrigin> origin(String requestId) {
        return Optional.ofNullable(origins.get(requestId));
    }
}
