package io.dsp.gpuconsumer.heygem;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dsp.gpuconsumer.support.FakeAssetApi;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The legacy HeyGem server's HTTP API (legacy protocol, section 4) on a real local port, as far as a worker uses it:
 * a file pool, {@code check_files}, {@code upload_file} (keeping a file under the md5 it computes),
 * {@code submit} (404 for an input missing from the pool), {@code progress} playing a scripted sequence, and
 * {@code download}. Answers 401 {@code 鉴权失败} without the right Bearer secret, like the server.
 */
final class FakeHeyGemServer implements AutoCloseable {

    /** One {@code /progress} reply: status, progress, message, and error (only for status error). */
    record Step(String status, int progress, String message, String error) {}

    static final byte[] VIDEO = "fake mp4 bytes".getBytes(StandardCharsets.US_ASCII);

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpServer server;
    private final String secret;
    private final Set<String> pool = ConcurrentHashMap.newKeySet();
    private final Set<String> evict = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> progressCalls = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile List<Step> script = List.of(new Step("done", 100, "合成完成", null));
    private volatile boolean forgetful;
    private volatile Consumer<Integer> onProgress = n -> {};

    FakeHeyGemServer(String secret) throws IOException {
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/heygem/", this::route);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Puts a file into the pool, as an earlier upload would have. */
    void pool(String hash, String ext) {
        pool.add(hash + ext);
    }

    boolean pooled(String hash, String ext) {
        return pool.contains(hash + ext);
    }

    /** What {@code /progress} answers, call by call; the last step repeats. */
    void script(Step... steps) {
        script = List.of(steps);
    }

    /** Removes this file from the pool right after the next {@code check_files} has reported it. */
    void evictAfterCheck(String hash, String ext) {
        evict.add(hash + ext);
    }

    /** Answers {@code /progress} with 404, as after a restart (tasks are kept in memory only). */
    void forgetTasks() {
        forgetful = true;
    }

    /** Runs after the n-th progress call has been answered (1 = first). */
    void onProgress(Consumer<Integer> action) {
        onProgress = action;
    }

    /** "METHOD /path" of every request, in order. */
    List<String> calls() {
        return List.copyOf(calls);
    }

    List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        calls.add(exchange.getRequestMethod() + " " + path);
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(authorization));
        if (!("Bearer " + secret).equals(authorization)) {
            json(exchange, 401, Map.of("code", 401, "msg", "鉴权失败"));
            return;
        }
        switch (path) {
            case "/api/heygem/check_files" -> checkFiles(exchange);
            case "/api/heygem/upload_file" -> uploadFile(exchange);
            case "/api/heygem/submit" -> submit(exchange);
            case "/api/heygem/progress" -> progress(exchange);
            case "/api/heygem/download" -> download(exchange);
            default -> json(exchange, 404, Map.of("code", 404, "msg", "not found"));
        }
    }

    private void checkFiles(HttpExchange exchange) throws IOException {
        JsonNode body = json.readTree(exchange.getRequestBody().readAllBytes());
        Map<String, Boolean> data = new LinkedHashMap<>();
        for (JsonNode file : body.get("files")) {
            data.put(
                    file.get("hash").asString(),
                    pooled(file.get("hash").asString(), file.get("ext").asString()));
        }
        pool.removeAll(evict);
        evict.clear();
        json(exchange, 200, Map.of("code", 0, "data", data));
    }

    private void uploadFile(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        String boundary = type.substring(type.indexOf("boundary=") + "boundary=".length());
        Map<String, byte[]> parts = multipart(exchange.getRequestBody().readAllBytes(), boundary);
        if (!parts.containsKey("file")) {
            json(exchange, 400, Map.of("code", 400, "msg", "缺少 file 字段"));
            return;
        }
        String actual = FakeAssetApi.md5(parts.get("file"));
        pool.add(actual + new String(parts.get("ext"), StandardCharsets.UTF_8));
        json(exchange, 200, Map.of("code", 0, "data", Map.of("hash", actual, "server_path", "/pool/" + actual)));
    }

    private void submit(HttpExchange exchange) throws IOException {
        JsonNode body = json.readTree(exchange.getRequestBody().readAllBytes());
        String audio = body.get("audio_hash").asString() + body.get("audio_ext").asString();
        String video = body.get("video_hash").asString() + body.get("video_ext").asString();
        if (!pool.contains(audio)) {
            json(exchange, 404, Map.of("code", 404, "msg", "音频文件不存在: " + audio + "，请先上传"));
            return;
        }
        if (!pool.contains(video)) {
            json(exchange, 404, Map.of("code", 404, "msg", "视频文件不存在: " + video + "，请先上传"));
            return;
        }
        json(exchange, 200, Map.of("code", 0, "msg", "任务已提交", "data", Map.of("task_id", "a1b2c3d4e5f60718")));
    }

    private void progress(HttpExchange exchange) throws IOException {
        String taskId = exchange.getRequestURI().getQuery().substring("task_id=".length());
        if (forgetful) {
            json(exchange, 404, Map.of("code", 404, "msg", "任务 " + taskId + " 不存在"));
            return;
        }
        int call = progressCalls.merge(taskId, 1, Integer::sum);
        Step step = script.get(Math.min(call, script.size()) - 1);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task_id", taskId);
        data.put("status", step.status());
        data.put("progress", step.progress());
        data.put("message", step.message());
        data.put("total_frames", 200);
        data.put("current_frame", step.progress() * 2);
        data.put("error", step.error());
        json(exchange, 200, Map.of("code", 0, "data", data));
        onProgress.accept(call);
    }

    private void download(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "video/mp4");
        exchange.sendResponseHeaders(200, VIDEO.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(VIDEO);
        }
    }

    private void json(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, byte[]> multipart(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> parts = new LinkedHashMap<>();
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i + delimiter.length <= body.length; i++) {
            if (Arrays.equals(body, i, i + delimiter.length, delimiter, 0, delimiter.length)) {
                starts.add(i);
            }
        }
        for (int k = 0; k + 1 < starts.size(); k++) {
            int from = starts.get(k) + delimiter.length + 2;
            int to = starts.get(k + 1) - 2;
            String head = new String(body, from, Math.min(to - from, 400), StandardCharsets.UTF_8);
            int headEnd = head.indexOf("\r\n\r\n");
            String name = head.substring(head.indexOf("name=\"") + 6);
            name = name.substring(0, name.indexOf('"'));
            parts.put(name, Arrays.copyOfRange(body, from + headEnd + 4, to));
        }
        return parts;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
