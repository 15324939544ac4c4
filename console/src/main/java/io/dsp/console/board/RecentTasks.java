package io.dsp.console.board;

import io.dsp.schemas.avro.TaskEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The last tasks seen on {@code dsp.task-events}, each with its life. Bounded: past the limit the task first seen
 * longest ago is forgotten; a later event of a forgotten task brings it back as a partial life.
 */
final class RecentTasks {

    private final int limit;
    private final int stepsPerTask;
    private final LinkedHashMap<String, TaskLife> tasks;

    RecentTasks(int limit, int stepsPerTask) {
        this.limit = limit;
        this.stepsPerTask = stepsPerTask;
        this.tasks = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TaskLife> eldest) {
                return size() > RecentTasks.this.limit;
            }
        };
    }

    boolean apply(TaskEvent event) {
        TaskLife life = tasks.get(event.getRequestId());
        if (life == null) {
            life = new TaskLife(event, stepsPerTask);
            tasks.put(event.getRequestId(), life);
        }
        return life.apply(event);
    }

    /** Newest first. */
    List<TaskRow> rows(Instant now) {
        List<TaskRow> rows = new ArrayList<>(tasks.size());
        for (TaskLife life : tasks.values()) {
            rows.add(life.row(now));
        }
        Collections.reverse(rows);
        return rows;
    }

    Optional<TaskRow> row(String requestId, Instant now) {
        return Optional.ofNullable(tasks.get(requestId)).map(life -> life.row(now));
    }

    Map<String, Integer> countByStatus() {
        Map<String, Integer> counts = new TreeMap<>();
        for (TaskLife life : tasks.values()) {
            counts.merge(life.statusName(), 1, Integer::sum);
        }
        return counts;
    }
}
