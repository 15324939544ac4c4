package io.dsp.gateway.routing;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Tasks that have an outcome (SUCCEEDED, FAILED or CANCELLED; a dead letter is re-driven on purpose, so it does not
 * count), as read from {@code dsp.task-events} from {@code dsp.gateway.outcomes.lookback} before this instance started on: a slot that acquires one again (an
 * acknowledgement lost to a broker restart, a replay, a duplicate forward) acknowledges it without handing it to its
 * legacy worker a second time. A ledger bounded in time (ADR 006): outcomes older than the lookback are not known.
 * Bounded in size too: the oldest are forgotten first.
 */
@Component
public class Outcomes {

    static final int CAPACITY = 200_000;

    private final Map<String, TaskEventType> outcomes = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskEventType> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Applies one event of {@code dsp.task-events}. */
    public void apply(TaskEvent event) {
        TaskEventType type = event.getType();
        if (type == TaskEventType.SUCCEEDED || type == TaskEventType.FAILED || type == TaskEventType.CANCELLED) {
            synchronized (outcomes) {
                outcomes.putIfAbsent(event.getRequestId(), type);
            }
        }
    }

    /** Records an outcome this instance wrote, before the reader sees it. */
    public void ended(String requestId, TaskEventType type) {
        synchronized (outcomes) {
            outcomes.putIfAbsent(requestId, type);
        }
    }

    public boolean finished(String requestId) {
        synchronized (outcomes) {
            return outcomes.containsKey(requestId);
        }
    }
}
