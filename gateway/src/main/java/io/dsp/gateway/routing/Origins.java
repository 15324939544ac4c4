package io.dsp.gateway.routing;

import io.dsp.schemas.avro.TaskRequested;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Recent tasks by request id, so that events (which carry no origin) can be routed back to the submitting connection:
 * tasks this instance accepted, and every task released into {@code dsp.dispatch} (read by the topic reader).
 * Bounded: the oldest are forgotten first, and a forgotten task's result goes to every connection of its license.
 */
@Component
public class Origins {

    static final int CAPACITY = 50_000;

    private final Map<String, TaskRequested> tasks = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskRequested> eldest) {
            return size() > CAPACITY;
        }
    };

    public synchronized void remember(TaskRequested task) {
        tasks.put(task.getRequestId(), task);
    }

    public synchronized Optional<TaskRequested> find(String requestId) {
        return Optional.ofNullable(tasks.get(requestId));
    }
}
