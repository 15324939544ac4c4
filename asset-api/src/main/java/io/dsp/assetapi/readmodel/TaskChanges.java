package io.dsp.assetapi.readmodel;

import io.dsp.schemas.avro.TaskLife;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
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
    /** How often a task owned by another instance is read while someone waits for its change. */
    static final Duration REMOTE_POLL = Duration.ofSeconds(1);

    private final ObjectProvider<ReadModels> readModels;
    private final ScheduledExecutorService poller = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "task-changes-poll");
        thread.setDaemon(true);
        return thread;
    });
    private final ExecutorService pool = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "task-changes");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Listens to one task until the returned handle is closed. A task whose partition another instance owns changes
     * there, not here: its life is read from that instance every {@link #REMOTE_POLL} instead.
     */
    public AutoCloseable listen(String requestId, Consumer<TaskLife> listener) {
        listeners.computeIfAbsent(requestId, k -> ConcurrentHashMap.newKeySet()).add(listener);
        AutoCloseable local = () -> listeners.computeIfPresent(requestId, (k, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
        ReadModels models = readModels.getIfAvailable();
        if (models == null || isLocal(models, requestId)) {
            return local;
        }
        RemotePoll poll = new RemotePoll(models, requestId, listener);
        ScheduledFuture<?> task = poller.scheduleWithFixedDelay(
                poll, REMOTE_POLL.toMillis(), REMOTE_POLL.toMillis(), TimeUnit.MILLISECONDS);
        return () -> {
            task.cancel(false);
            local.close();
        };
    }

    private static boolean isLocal(ReadModels models, String requestId) {
        try {
            return models.isLocal(requestId);
        } catch (RuntimeException e) {
            return true; // starting: the caller's own read answers 503 or 404 soon enough
        }
    }

    /** Hands a remote task's life to a listener whenever it gained a step. */
    private final class RemotePoll implements Runnable {

        private final ReadModels models;
        private final String requestId;
        private final Consumer<TaskLife> listener;
        private String lastSeen;

        RemotePoll(ReadModels models, String requestId, Consumer<TaskLife> listener) {
            this.models = models;
            this.requestId = requestId;
            this.listener = listener;
            // The state when listening began (before the caller's own read), so only later changes are told.
            this.lastSeen = read().map(RemotePoll::version).orElse("");
        }

        @Override
        public void run() {
            read().ifPresent(life -> {
                String seen = version(life);
                if (!seen.equals(lastSeen)) {
                    lastSeen = seen;
                    pool.execute(() -> listener.accept(life));
                }
            });
        }

        private java.util.Optional<TaskLife> read() {
            try {
                return models.taskLife(requestId);
            } catch (RuntimeException e) {
                log.debug("remote poll of {} failed: {}", requestId, e.toString());
                return java.util.Optional.empty();
            }
        }

        private static String version(TaskLife life) {
            List<io.dsp.schemas.avro.TaskEvent> events = life.getEvents();
            return events.size() + "/"
                    + (events.isEmpty() ? "" : events.get(events.size() - 1).getEventId());
        }
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

    TaskChanges(ObjectProvider<ReadModels> readModels) {
        this.readModels = readModels;
    }

    @Override
    public void close() {
        poller.shutdownNow();
        pool.shutdownNow();
    }
}
