package io.dsp.assetapi.readmodel;

import io.dsp.schemas.avro.TaskLife;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Tells waiting requests (long polls, event streams) that a task's life changed. Fed by the task-lives aggregate, so a
 * listener hears a change exactly when the store can answer it; listeners run on a small pool, never on the Streams
 * thread, so a slow client cannot hold up the read models.
 */
@Component
public class TaskChanges implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TaskChanges.class);

    private final Map<String, Set<Consumer<TaskLife>>> listeners = new ConcurrentHashMap<>();
    private final List<Consumer<TaskLife>> observers = new CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "task-changes");
        thread.setDaemon(true);
        return thread;
    });

    /** Listens to one task until the returned handle is closed. */
    public AutoCloseable listen(String requestId, Consumer<TaskLife> listener) {
        listeners.computeIfAbsent(requestId, k -> ConcurrentHashMap.newKeySet()).add(listener);
        return () -> listeners.computeIfPresent(requestId, (k, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Hears every change of every task this instance's aggregate sees, on the Streams thread: for cheap in-memory
     * bookkeeping only (never I/O, never blocking).
     */
    public void observeAll(Consumer<TaskLife> observer) {
        observers.add(observer);
    }

    void publish(String requestId, TaskLife life) {
        for (Consumer<TaskLife> observer : observers) {
            try {
                observer.accept(life);
            } catch (RuntimeException e) {
                log.warn("task change observer failed for {}: {}", requestId, e.toString());
            }
        }
        Set<Consumer<TaskLife>> waiting = listeners.get(requestId);
        if (waiting == null) {
            return;
        }
        for (Consumer<TaskLife> listener : waiting) {
            pool.execute(() -> {
                try {
                    listener.accept(life);
                } catch (RuntimeException e) {
                    log.warn("task change listener failed for {}: {}", requestId, e.toString());
                }
            });
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
