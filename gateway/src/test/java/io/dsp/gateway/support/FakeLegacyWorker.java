package io.dsp.gateway.support;

import io.dsp.testkit.LegacySocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;

/**
 * A scriptable legacy worker ({@code ws_client.py} as seen on the wire): registers, then answers every
 * {@code gpu.job.submit} as scripted: with a result, an error result, or not at all (a long task), until closed.
 */
public final class FakeLegacyWorker implements AutoCloseable {

    /** How the worker answers a task. */
    public enum Mode {
        SUCCEED,
        FAIL,
        HOLD
    }

    /** Fakes connected and not yet closed, in this JVM. */
    private static final java.util.concurrent.atomic.AtomicInteger OPEN =
            new java.util.concurrent.atomic.AtomicInteger();

    private final LegacySocket socket;
    private final List<JsonNode> jobs = new CopyOnWriteArrayList<>();
    private final List<JsonNode> others = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private final java.util.Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Mode mode;
    private volatile boolean open = true;

    private FakeLegacyWorker(String url, Mode mode, String register) {
        this.mode = mode;
        this.socket = LegacySocket.connect(url);
        OPEN.incrementAndGet();
        socket.next(); // connected
        socket.send(register);
        socket.send("{\"type\":\"gpu.power.online\",\"status\":\"running\",\"msg\":\"GPU服务器已启动\",\"ts\":1735000000}");
        reader = new Thread(this::read, "fake-legacy-worker");
        reader.setDaemon(true);
        reader.start();
    }

    /** Registers exactly as the GPU server does, followed at once by its online notice. */
    public static FakeLegacyWorker connect(String url, Mode mode) {
        return new FakeLegacyWorker(
                url, mode, "{\"type\":\"register\",\"role\":\"worker\",\"version\":\"1.0\",\"ts\":1735000000}");
    }

    /** A worker's register frame limited to these task types ({@code task_types}), as a capability-aware worker sends. */
    public static String registerFor(String... taskTypes) {
        return "{\"type\":\"register\",\"role\":\"worker\",\"version\":\"1.0\",\"task_types\":["
                + java.util.Arrays.stream(taskTypes)
                        .map(t -> "\"" + t + "\"")
                        .collect(java.util.stream.Collectors.joining(","))
                + "]}";
    }

    public static FakeLegacyWorker connect(String url, Mode mode, String register) {
        return new FakeLegacyWorker(url, mode, register);
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    private void read() {
        while (open) {
            try {
                if (socket.quietFor(Duration.ofMillis(100))) {
                    continue;
                }
                JsonNode frame = socket.next();
                String type = frame.path("type").asString();
                if ("gpu.job.submit".equals(type)) {
                    jobs.add(frame);
                    answer(frame);
                } else if ("ping".equals(type)) {
                    socket.send("{\"type\":\"pong\"}");
                } else {
                    others.add(frame);
                }
            } catch (RuntimeException | AssertionError e) {
                if (open) {
                    others.add(tools.jackson.databind.node.JsonNodeFactory.instance.textNode("reader error: " + e));
                }
                return;
            }
        }
    }

    /** Never answers this task (a long task), whatever the mode. */
    public void hold(String requestId) {
        held.add(requestId);
    }

    /** Answers a task it held back ({@link #hold}) with a result, as a worker whose long task ends. */
    public void succeed(String requestId) {
        held.remove(requestId);
        JsonNode job = jobs.stream()
                .filter(j -> requestId.equals(j.path("request_id").asString()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no task " + requestId + " was received"));
        answer(job, Mode.SUCCEED);
    }

    private void answer(JsonNode job) {
        if (held.contains(job.path("request_id").asString())) {
            return;
        }
        answer(job, mode);
    }

    private void answer(JsonNode job, Mode mode) {
        String common = "\"task_type\":\"" + job.path("task_type").asString() + "\",\"request_id\":\""
                + job.path("request_id").asString() + "\",\"key\":\""
                + job.path("key").asString()
                + "\",\"sender_fd\":" + job.path("sender_fd").asLong();
        switch (mode) {
            case SUCCEED ->
                socket.send("{\"type\":\"gpu.job.result\"," + common
                        + ",\"error\":false,\"result\":{\"id\":"
                        + job.path("payload").path("id").asLong()
                        + ",\"msg\":\"删除成功\"}}");
            case FAIL ->
                socket.send("{\"type\":\"gpu_task_result\"," + common
                        + ",\"error\":true,\"error_msg\":\"缺少 id 或 license_key\"}");
            case HOLD -> {
                // a long task: no answer
            }
        }
    }

    public void send(String frame) {
        socket.send(frame);
    }

    /** Every task frame received, in order. */
    public List<JsonNode> jobs() {
        return jobs;
    }

    /** Every other frame received (registered, errors, pings excluded), in order. */
    public List<JsonNode> others() {
        return others;
    }

    public List<String> requestIds() {
        return jobs.stream().map(j -> j.path("request_id").asString()).toList();
    }

    /** Drops the connection without a close handshake, as a crashed or unplugged GPU server does. */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        socket.close();
        if (OPEN.decrementAndGet() == 0) {
            awaitSlotsGone();
        }
    }

    /**
     * Waits for the gateways to close the slots of every legacy worker that left (fakes, replicas, raw sockets): a slot
     * still in the share group acquires tasks a later test dispatches, and each such acquisition costs the task one of
     * its deliveries (Kafka 4.2 counts them even when the closing consumer never returned the record).
     */
    public static void awaitSlotsGone() {
        try {
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> KafkaProbe.legacySlotMembers() == 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // another kind of legacy connection (a raw socket of a test) may still hold slots: its test closes it
            System.out.println("legacy slots still in the fleet's share groups 30 s after the last fake closed");
        }
    }
}
