package io.dsp.systemtests.fault;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A legacy GPU worker that runs {@link EffectWorkerMain#TASK_TYPE} tasks: each takes {@code workTime}; its effect is
 * counted (in memory) at completion, just before the result frame goes out on the connection that received the task.
 * A task whose connection died meanwhile is dropped without effect, as a GPU server that lost the gateway would.
 */
final class FaultLegacyWorker extends ReconnectingPeer {

    private final Duration workTime;
    final Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
    final Set<String> running = ConcurrentHashMap.newKeySet();

    FaultLegacyWorker(String url, Duration workTime) {
        super(url, "fault-legacy-worker");
        this.workTime = workTime;
    }

    @Override
    String registerFrame() {
        return "{\"type\":\"register\",\"role\":\"worker\",\"version\":\"1.0\",\"slots\":2,\"task_types\":[\""
                + EffectWorkerMain.TASK_TYPE + "\"]}";
    }

    @Override
    void onFrame(JsonNode job, int generation) {
        if (!"gpu.job.submit".equals(job.path("type").asString())) {
            return;
        }
        String requestId = job.path("request_id").asString();
        running.add(requestId);
        loop.schedule(
                () -> {
                    if (generation != generation()) {
                        running.remove(requestId);
                        return; // the connection that gave us the task is gone: the gateway has released it
                    }
                    // counted before it leaves "running": a look at both never sees a task in neither
                    effects.computeIfAbsent(requestId, id -> new AtomicInteger())
                            .incrementAndGet();
                    running.remove(requestId);
                    send(
                            "{\"type\":\"gpu.job.result\",\"task_type\":\"" + EffectWorkerMain.TASK_TYPE
                                    + "\",\"request_id\":\"" + requestId + "\",\"key\":\""
                                    + job.path("key").asString() + "\",\"sender_fd\":"
                                    + job.path("sender_fd").asLong()
                                    + ",\"error\":false,\"result\":{\"effect\":\"done\"}}",
                            generation);
                },
                workTime.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    void onDisconnect() {
        running.clear();
    }
}
