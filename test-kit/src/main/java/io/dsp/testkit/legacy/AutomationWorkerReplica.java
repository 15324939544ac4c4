package io.dsp.testkit.legacy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ws_worker.py} as the legacy spec describes it (sections 2, 2.6 and 3): it registers with exactly
 * {@code {"type":"register","role":"worker"}} (no key, no version, no token, no task types), never announces
 * {@code gpu.power.online}, runs {@code url} (video to text) and {@code chatglm_video} (a browser page each), and answers
 * with {@code {"type":"result","key","content"}} and {@code {"type":"chatglm_video_result","key","video_url",
 * "cover_url"}} (or {@code error:true, error_msg}), echoing neither {@code request_id} nor {@code sender_fd}. It ignores
 * any other frame (a GPU task it were sent would simply never be answered).
 */
public final class AutomationWorkerReplica implements AutoCloseable {

    /** Exactly what ws_worker.py sends to register. */
    public static final String REGISTER = "{\"type\":\"register\",\"role\":\"worker\"}";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * How the replica behaves.
     *
     * @param workTime how long one task takes before its answer
     * @param answering whether it answers at all (false: it holds every task, as a worker that dies mid-task)
     * @param fails whether its answers are errors
     */
    public record Options(Duration workTime, boolean answering, boolean fails) {
        public static Options defaults() {
            return new Options(Duration.ofMillis(200), true, false);
        }

        public Options withWorkTime(Duration time) {
            return new Options(time, answering, fails);
        }

        public Options silent() {
            return new Options(workTime, false, fails);
        }

        public Options failing() {
            return new Options(workTime, answering, true);
        }
    }

    private final Options options;
    private final WebSocket socket;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<JsonNode> tasks = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final Map<String, Integer> mostAtOnce = new ConcurrentHashMap<>();
    private final ScheduledExecutorService work = Executors.newScheduledThreadPool(4);

    private AutomationWorkerReplica(URI dsp, Options options) {
        this.options = options;
        this.socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(dsp, new Listener())
                .join();
        send(REGISTER);
    }

    public static AutomationWorkerReplica connect(String dspUrl) {
        return connect(dspUrl, Options.defaults());
    }

    public static AutomationWorkerReplica connect(String dspUrl, Options options) {
        return new AutomationWorkerReplica(URI.create(dspUrl), options);
    }

    /** Every frame it received, parsed, in order. */
    public List<JsonNode> received() {
        return List.copyOf(received);
    }

    /** The {@code url} and {@code chatglm_video} frames it was given. */
    public List<JsonNode> tasks() {
        return List.copyOf(tasks);
    }

    /** Whether the gateway answered its register with {@code registered}. */
    public boolean registered() {
        return received.stream()
                .anyMatch(f -> "registered".equals(f.path("type").asString("")));
    }

    /** The most tasks of this type it ran at the same time. */
    public int mostAtOnce(String type) {
        return mostAtOnce.getOrDefault(type, 0);
    }

    private void onFrame(String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (RuntimeException e) {
            return;
        }
        received.add(frame);
        String type = frame.path("type").asString("");
        if (!type.equals("url") && !type.equals("chatglm_video")) {
            return;
        }
        tasks.add(frame);
        int now = running.computeIfAbsent(type, t -> new AtomicInteger()).incrementAndGet();
        mostAtOnce.merge(type, now, Math::max);
        if (options.answering()) {
            work.schedule(() -> answer(type, frame), options.workTime().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void answer(String type, JsonNode task) {
        running.get(type).decrementAndGet();
        ObjectNode out = JSON.createObjectNode();
        String key = task.path("key").asString("");
        if (type.equals("url")) {
            out.put("type", "result");
            out.put("key", key);
            if (options.fails()) {
                out.put("content", "错误: 视频解析失败");
                out.put("error", true);
            } else {
                out.put("content", "转写: " + task.path("url").asString(""));
            }
        } else {
            out.put("type", "chatglm_video_result");
            out.put("key", key);
            if (options.fails()) {
                out.put("error", true);
                out.put("error_msg", "错误: 生成超时");
            } else {
                out.put(
                        "video_url",
                        "https://video.example.invalid/"
                                + Math.abs(task.path("content").asString("").hashCode()) + ".mp4");
                out.put("cover_url", "");
            }
        }
        send(out.toString());
    }

    private synchronized void send(String text) {
        socket.sendText(text, true).join();
    }

    /** Drops the connection at once, as a worker that dies (no close handshake). */
    @Override
    public void close() {
        work.shutdownNow();
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                onFrame(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
