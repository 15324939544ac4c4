package io.dsp.testkit.legacy;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The legacy HeyGem GPU server's HTTP API ({@code run_server.py}, legacy spec sections 4.2-4.5) on a real loopback
 * port, written from the spec so that flows are proven against its behaviour: Bearer auth on every route but
 * {@code /health}, the {@code {"code":...}} envelope, the file pool keyed {@code <md5><ext>}, tasks in memory going
 * queued → processing → done|error with at most {@code maxConcurrent} processing, {@code /progress} recomputed as the
 * server does, and a downloadable "video" whose bytes are derived from the inputs and the task id
 * ({@link #expectedResult}).
 *
 * <p>Not replicated: {@code /api/heygem/upload} (legacy two-file upload), {@code GET /api/asset/list}, the
 * {@code /api/video/edit} routes, asset expiry and the TTL cleanup thread.
 */
public final class HeyGemServerReplica implements AutoCloseable {

    /**
     * How the replica behaves.
     *
     * @param apiSecret {@code server.api_secret}: the Bearer token every route but health requires; null or blank
     *     turns auth off (default: off)
     * @param maxConcurrent {@code server.max_concurrent}: GPU slots, at least 1 (default 3)
     * @param synthesisTime how long one synthesis holds its slot once processing (default 500 ms)
     * @param progressSteps frame updates during a synthesis, at least 1 (default 5)
     * @param resultBytes size in bytes of the video a synthesis produces, at least 32 (default 64 KiB)
     * @param contentCache the server's HeyGem content cache (spec 2.9, 4.3): a second submit of the same audio and
     *     video hashes after the first finished answers {@code 缓存命中} with task id {@code md5(audio_video)[:16]}
     *     (default off, so that every submit runs a synthesis under its own task id)
     */
    public record Options(
            String apiSecret,
            int maxConcurrent,
            Duration synthesisTime,
            int progressSteps,
            int resultBytes,
            boolean contentCache) {

        public Options {
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
            }
            Objects.requireNonNull(synthesisTime, "synthesisTime");
            if (synthesisTime.isNegative()) {
                throw new IllegalArgumentException("synthesisTime must not be negative, was " + synthesisTime);
            }
            if (progressSteps < 1) {
                throw new IllegalArgumentException("progressSteps must be at least 1, was " + progressSteps);
            }
            if (resultBytes < 32) {
                throw new IllegalArgumentException("resultBytes must be at least 32, was " + resultBytes);
            }
        }

        /** The four settings most tests vary; a 64 KiB result and no content cache. */
        public Options(String apiSecret, int maxConcurrent, Duration synthesisTime, int progressSteps) {
            this(apiSecret, maxConcurrent, synthesisTime, progressSteps, 64 * 1024, false);
        }

        /** No secret, 3 slots, 500 ms synthesis in 5 steps, 64 KiB result, no content cache. */
        public static Options defaults() {
            return new Options(null, 3, Duration.ofMillis(500), 5);
        }

        public Options withApiSecret(String secret) {
            return new Options(secret, maxConcurrent, synthesisTime, progressSteps, resultBytes, contentCache);
        }

        public Options withMaxConcurrent(int slots) {
            return new Options(apiSecret, slots, synthesisTime, progressSteps, resultBytes, contentCache);
        }

        public Options withSynthesisTime(Duration time) {
            return new Options(apiSecret, maxConcurrent, time, progressSteps, resultBytes, contentCache);
        }

        public Options withProgressSteps(int steps) {
            return new Options(apiSecret, maxConcurrent, synthesisTime, steps, resultBytes, contentCache);
        }

        public Options withResultBytes(int bytes) {
            return new Options(apiSecret, maxConcurrent, synthesisTime, progressSteps, bytes, contentCache);
        }

        public Options withContentCache(boolean on) {
            return new Options(apiSecret, maxConcurrent, synthesisTime, progressSteps, resultBytes, on);
        }
    }

    /** A submit's answer: the task id (a cache key on a cache hit), whether it was a cache hit, the queue counts. */
    public record Submission(String taskId, boolean cached, Map<String, Object> queue) {}

    /** A submit naming a file that is neither in the pool nor in the asset store; the message is the server's. */
    public static final class MissingFileException extends RuntimeException {
        private MissingFileException(String message) {
            super(message);
        }
    }

    /** A row of the asset store (spec 4.5), written by the WebSocket {@code upload_asset} or the HTTP upload. */
    public record Asset(
            long id, String licenseKey, String assetType, String name, String fileHash, String fileExt, Path path) {}

    /** Input hashes and the task id a result's bytes derive from. */
    private record Inputs(String audioHash, String videoHash, String taskId) {}

    private static final int FRAMES_PER_STEP = 25;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Options options;
    private final HttpServer server;
    private final ExecutorService http = Executors.newCachedThreadPool(daemon("heygem-replica-http"));
    /** Like the server: a pool of max_concurrent+4 threads, each waiting on the semaphore for a GPU slot. */
    private final ThreadPoolExecutor runners;

    private final Semaphore slots;
    private final Path root;
    private final Path poolDir;
    private final Path outputDir;
    private final Path assetDir;
    private final Object lock = new Object();
    private final Map<String, ReplicaTask> tasks = new LinkedHashMap<>();
    private final Map<String, Future<?>> running = new ConcurrentHashMap<>();
    private final Map<String, Inputs> results = new ConcurrentHashMap<>();
    /** Syntheses started per task id (a cache hit starts none). */
    private final Map<String, Integer> syntheses = new ConcurrentHashMap<>();

    private final List<Asset> assets = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextAssetId = new AtomicInteger(1);
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger processing = new AtomicInteger();
    private final AtomicInteger maxProcessingSeen = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile TaskObserver observer;

    private HeyGemServerReplica(Options options) throws IOException {
        this.options = options;
        this.slots = new Semaphore(options.maxConcurrent(), true);
        this.runners = new ThreadPoolExecutor(
                options.maxConcurrent() + 4,
                options.maxConcurrent() + 4,
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                daemon("heygem-replica-task"));
        this.root = Files.createTempDirectory("heygem-replica");
        this.poolDir = Files.createDirectories(root.resolve("uploads/pool"));
        this.assetDir = Files.createDirectories(root.resolve("uploads/assets"));
        this.outputDir = Files.createDirectories(root.resolve("outputs"));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(http);
        server.start();
    }

    /** Starts a replica on a free loopback port. */
    public static HeyGemServerReplica start(Options options) {
        try {
            return new HeyGemServerReplica(Objects.requireNonNull(options, "options"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the HeyGem server replica", e);
        }
    }

    /** Starts a replica with {@link Options#defaults()}. */
    public static HeyGemServerReplica start() {
        return start(Options.defaults());
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234} (routes are under {@code /api/heygem/}). */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public Options options() {
        return options;
    }

    // ---- scripting and observation --------------------------------------------------------------------------

    /** The next synthesis to start ends in error {@code 合成失败: <message>} after its first step. */
    public void failNext(String message) {
        failures.add(Objects.requireNonNull(message, "message"));
    }

    /**
     * Simulates a restart: running syntheses stop, every task record is gone ({@code /progress} answers 404
     * {@code 任务 X 不存在}); files on disk (pool, outputs, assets) stay, as they would.
     */
    public void forgetTasks() {
        synchronized (lock) {
            tasks.clear();
        }
        running.values().forEach(future -> future.cancel(true));
        running.clear();
    }

    /** Deletes a task's result file, as the cleanup thread would: download then answers 404 {@code 结果文件不存在}. */
    public void expireResult(String taskId) {
        resultFile(taskId).ifPresent(file -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The highest number of tasks processing at the same time since the start. */
    public int maxProcessingSeen() {
        return maxProcessingSeen.get();
    }

    /** Tasks processing now. */
    public int processing() {
        return processing.get();
    }

    /** Tasks the server has not finished: queued or processing (a test's leftovers would share the GPU's slots). */
    public int unfinished() {
        synchronized (lock) {
            return (int) tasks.values().stream()
                    .filter(task -> task.active() || "queued".equals(task.status))
                    .count();
        }
    }

    /** "METHOD /path" of every request, in order. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** Whether {@code <hash><ext>} is in the file pool. */
    public boolean pooled(String hash, String ext) {
        return Files.isRegularFile(poolDir.resolve(hash + ext));
    }

    /** Puts bytes into the pool under the given name, as an earlier upload would have (the hash is not checked). */
    public void pool(String hash, String ext, byte[] bytes) {
        try {
            Files.write(poolDir.resolve(poolName(hash, ext)), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes {@code <hash><ext>} from the pool, as the cleanup thread does after the TTL. */
    public void evict(String hash, String ext) {
        try {
            Files.deleteIfExists(poolDir.resolve(poolName(hash, ext)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many syntheses were started under this task id, over HTTP or WebSocket (a cache hit starts none). */
    public int syntheses(String taskId) {
        return syntheses.getOrDefault(taskId, 0);
    }

    /** The status a task record has now (queued, processing, done, error), if the server knows the task. */
    public Optional<String> status(String taskId) {
        synchronized (lock) {
            return Optional.ofNullable(tasks.get(taskId)).map(task -> task.status);
        }
    }

    /**
     * The bytes the synthesis of this task produces (or produced): a fixed MP4 {@code ftyp} header followed by
     * bytes derived from the audio md5, the video md5 and the task id; a cache hit's task id gives the cached
     * video's bytes.
     */
    public byte[] expectedResult(String taskId) {
        Inputs inputs = results.get(taskId);
        if (inputs == null) {
            throw new IllegalArgumentException("no task " + taskId + " was submitted to this replica");
        }
        return video(inputs.audioHash(), inputs.videoHash(), inputs.taskId(), options.resultBytes());
    }

    /** The result file on this machine ({@code outputs/<id>/<id>.mp4}), once the task is done and until expired. */
    public Optional<Path> resultFile(String taskId) {
        synchronized (lock) {
            ReplicaTask task = tasks.get(taskId);
            if (task != null && task.resultPath != null && Files.isRegularFile(task.resultPath)) {
                return Optional.of(task.resultPath);
            }
        }
        Path file = outputDir.resolve(taskId).resolve(taskId + ".mp4");
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** The asset store's rows. */
    public List<Asset> assets() {
        return List.copyOf(assets);
    }

    /** A video derived from its inputs: what a replica produces for these hashes under this task id. */
    public static byte[] video(String audioHash, String videoHash, String taskId, int size) {
        byte[] out = new byte[size];
        byte[] ftyp = HexFormat.of().parseHex("00000018667479706d703432000000006d70343269736f6d");
        System.arraycopy(ftyp, 0, out, 0, Math.min(ftyp.length, size));
        byte[] seed = (audioHash + "|" + videoHash + "|" + taskId).getBytes(StandardCharsets.UTF_8);
        MessageDigest sha = digest("SHA-256");
        int at = ftyp.length;
        for (long block = 0; at < size; block++) {
            sha.update(seed);
            sha.update(Long.toString(block).getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = sha.digest();
            int n = Math.min(chunk.length, size - at);
            System.arraycopy(chunk, 0, out, at, n);
            at += n;
        }
        return out;
    }

    /** Lowercase hex md5, as the pool names files. */
    public static String md5(byte[] bytes) {
        return HexFormat.of().formatHex(digest("MD5").digest(bytes));
    }

    // ---- the server's own operations, shared by HTTP and the WebSocket worker ----------------------------------

    /**
     * Submits a synthesis under a caller-chosen task id, as the WebSocket {@code heygem_submit} handler does with
     * the request id (spec 3). Files must be in the pool, or in the asset store (then restored into the pool).
     *
     * @throws MissingFileException {@code 音频文件不存在: <hash><ext>} or {@code 视频文件不存在: <hash><ext>}
     */
    public Submission submitAs(String taskId, String audioHash, String audioExt, String videoHash, String videoExt) {
        return submitAs(taskId, audioHash, audioExt, videoHash, videoExt, null, null);
    }

    /**
     * As {@link #submitAs(String, String, String, String, String)}, with the private {@code _license_key} and
     * {@code _sender_fd}: a task with a license key gets progress pushes through an attached worker.
     */
    public Submission submitAs(
            String taskId,
            String audioHash,
            String audioExt,
            String videoHash,
            String videoExt,
            String licenseKey,
            Integer senderFd) {
        Objects.requireNonNull(taskId, "taskId");
        String audio = poolName(audioHash, audioExt);
        String video = poolName(videoHash, videoExt);
        if (!resolveToPool(audioHash, audioExt)) {
            throw new MissingFileException("音频文件不存在: " + audio);
        }
        if (!resolveToPool(videoHash, videoExt)) {
            throw new MissingFileException("视频文件不存在: " + video);
        }
        String cacheKey = md5((audioHash + "_" + videoHash).getBytes(StandardCharsets.UTF_8))
                .substring(0, 16);
        Path cached = outputDir.resolve("cache_" + cacheKey).resolve("cache_" + cacheKey + ".mp4");
        double now = now();
        if (options.contentCache() && Files.isRegularFile(cached)) {
            touch(cached);
            ReplicaTask hit = new ReplicaTask(
                    cacheKey, audioHash, audioExt, videoHash, videoExt, licenseKey, senderFd, cacheKey, now);
            hit.status = "done";
            hit.progress = 100;
            hit.message = "合成完成（缓存命中）";
            hit.startedAt = now;
            hit.finishedAt = now;
            hit.resultPath = cached;
            synchronized (lock) {
                tasks.put(cacheKey, hit);
                return new Submission(cacheKey, true, queue());
            }
        }
        ReplicaTask task =
                new ReplicaTask(taskId, audioHash, audioExt, videoHash, videoExt, licenseKey, senderFd, cacheKey, now);
        Submission submission;
        synchronized (lock) {
            tasks.remove(taskId);
            tasks.put(taskId, task);
            results.put(taskId, new Inputs(audioHash, videoHash, taskId));
            syntheses.merge(taskId, 1, Integer::sum);
            submission = new Submission(taskId, false, queue());
        }
        running.put(taskId, runners.submit(() -> run(task)));
        return submission;
    }

    /** The WebSocket {@code upload_asset} (spec 3): moves the file into the asset store flat as {@code <md5><ext>}. */
    Asset uploadAsset(Path file, String assetType, String name, String licenseKey) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String hash = md5(bytes);
        String ext = extensionOf(file.getFileName().toString());
        Path stored = assetDir.resolve(hash + ext);
        Files.write(stored, bytes);
        Files.deleteIfExists(file);
        Asset asset = new Asset(nextAssetId.getAndIncrement(), licenseKey, assetType, name, hash, ext, stored);
        assets.add(asset);
        return asset;
    }

    /** The asset delete: removes the row and its file when both id and license match; true if one was removed. */
    boolean deleteAsset(long id, String licenseKey) throws IOException {
        for (Asset asset : assets) {
            if (asset.id() == id && asset.licenseKey().equals(licenseKey)) {
                assets.remove(asset);
                Files.deleteIfExists(asset.path());
                return true;
            }
        }
        return false;
    }

    void attach(TaskObserver taskObserver) {
        this.observer = taskObserver;
    }

    void detach(TaskObserver taskObserver) {
        if (this.observer == taskObserver) {
            this.observer = null;
        }
    }

    /** The {@code queue} object: all task records, those processing, those queued, the slots. */
    Map<String, Object> queue() {
        synchronized (lock) {
            Map<String, Object> queue = new LinkedHashMap<>();
            queue.put("total_tasks", tasks.size());
            queue.put("processing", (int)
                    tasks.values().stream().filter(ReplicaTask::active).count());
            queue.put("queued", (int) tasks.values().stream()
                    .filter(task -> "queued".equals(task.status))
                    .count());
            queue.put("max_concurrent", options.maxConcurrent());
            return queue;
        }
    }

    // ---- the synthesis ---------------------------------------------------------------------------------------

    private void run(ReplicaTask task) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            return;
        }
        try {
            synthesize(task);
        } catch (InterruptedException e) {
            // forgetTasks or close: the process "died" under this task.
        } catch (IOException e) {
            finish(task, "error", "合成失败: " + e.getMessage(), e.getMessage());
        } finally {
            slots.release();
            running.remove(task.taskId);
        }
    }

    private void synthesize(ReplicaTask task) throws InterruptedException, IOException {
        synchronized (lock) {
            if (tasks.get(task.taskId) != task) {
                return;
            }
            task.status = "processing";
            task.startedAt = now();
            task.progress = 5;
            task.message = "开始处理...";
            maxProcessingSeen.accumulateAndGet(processing.incrementAndGet(), Math::max);
        }
        try {
            notifyActive(task.taskId, "heygem_processing");
            push(task, false);
            String failure = failures.poll();
            int total = options.progressSteps() * FRAMES_PER_STEP;
            synchronized (lock) {
                task.totalFrames = total;
            }
            long stepNanos = options.synthesisTime().toNanos() / options.progressSteps();
            for (int step = 1; step <= options.progressSteps(); step++) {
                if (closed.await(stepNanos, TimeUnit.NANOSECONDS)) {
                    return;
                }
                if (failure != null) {
                    finish(task, "error", "合成失败: " + failure, failure);
                    return;
                }
                if (step < options.progressSteps()) {
                    int frame = step * FRAMES_PER_STEP;
                    int percent = Math.min(95, frame * 90 / total + 5);
                    synchronized (lock) {
                        task.currentFrame = frame;
                        task.progress = percent;
                        task.message = "合成中 " + frame + "/" + total + " 帧 (" + percent + "%)";
                    }
                    push(task, true);
                }
            }
            Path out = Files.createDirectories(outputDir.resolve(task.taskId)).resolve(task.taskId + ".mp4");
            write(out, video(task.audioHash, task.videoHash, task.taskId, options.resultBytes()));
            if (options.contentCache()) {
                Path cacheDir = Files.createDirectories(outputDir.resolve("cache_" + task.cacheKey));
                Files.copy(
                        out, cacheDir.resolve("cache_" + task.cacheKey + ".mp4"), StandardCopyOption.REPLACE_EXISTING);
                results.put(task.cacheKey, new Inputs(task.audioHash, task.videoHash, task.taskId));
            }
            synchronized (lock) {
                task.resultPath = out;
                task.currentFrame = total;
            }
            finish(task, "done", "合成完成", null);
        } finally {
            processing.decrementAndGet();
        }
    }

    private void finish(ReplicaTask task, String status, String message, String error) {
        synchronized (lock) {
            task.status = status;
            task.progress = "done".equals(status) ? 100 : 0;
            task.message = message;
            task.error = error;
            task.finishedAt = now();
        }
        push(task, false);
    }

    private void push(ReplicaTask task, boolean frameStep) {
        TaskObserver target = observer;
        if (target == null || task.licenseKey == null || task.licenseKey.isBlank()) {
            return;
        }
        Map<String, Object> fields;
        synchronized (lock) {
            fields = task.pushFields();
        }
        target.progress(fields, frameStep);
    }

    private void notifyActive(String taskId, String taskType) {
        TaskObserver target = observer;
        if (target != null) {
            target.active(taskId, taskType);
        }
    }

    // ---- HTTP ------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            calls.add(method + " " + path);
            cors(exchange.getResponseHeaders());
            if ("OPTIONS".equals(method)) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            if (!"/api/heygem/health".equals(path) && !authorized(exchange)) {
                reply(exchange, 401, error(401, "鉴权失败"));
                return;
            }
            String expected = switch (path) {
                case "/api/heygem/check_files",
                        "/api/heygem/upload_file",
                        "/api/heygem/submit",
                        "/api/asset/upload",
                        "/api/asset/delete" -> "POST";
                case "/api/heygem/progress", "/api/heygem/download", "/api/heygem/queue", "/api/heygem/health" -> "GET";
                default -> null;
            };
            if (expected == null) {
                html(exchange, 404, "404 Not Found");
                return;
            }
            if (!expected.equals(method) && !("GET".equals(expected) && "HEAD".equals(method))) {
                html(exchange, 405, "405 Method Not Allowed");
                return;
            }
            switch (path) {
                case "/api/heygem/check_files" -> checkFiles(exchange);
                case "/api/heygem/upload_file" -> uploadFile(exchange);
                case "/api/heygem/submit" -> submit(exchange);
                case "/api/heygem/progress" -> progress(exchange);
                case "/api/heygem/download" -> download(exchange);
                case "/api/heygem/queue" -> queueRoute(exchange);
                case "/api/asset/upload" -> assetUpload(exchange);
                case "/api/asset/delete" -> assetDelete(exchange);
                default -> health(exchange);
            }
        } catch (RuntimeException e) {
            reply(exchange, 500, error(500, e.toString()));
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String secret = options.apiSecret();
        if (secret == null || secret.isBlank()) {
            return true;
        }
        return ("Bearer " + secret).equals(exchange.getRequestHeaders().getFirst("Authorization"));
    }

    private void checkFiles(HttpExchange exchange) throws IOException {
        JsonNode body = jsonBody(exchange);
        if (body == null) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (JsonNode file : body.path("files")) {
            String hash = text(file, "hash");
            String ext = Optional.ofNullable(text(file, "ext")).orElse("");
            if (hash == null) {
                continue;
            }
            Path pooled = poolDir.resolve(poolName(hash, ext));
            boolean found = Files.isRegularFile(pooled);
            if (found) {
                touch(pooled);
            }
            data.put(hash, found);
        }
        reply(exchange, 200, ok(Map.of("data", data)));
    }

    private void uploadFile(HttpExchange exchange) throws IOException {
        Map<String, Multipart.Part> parts = Multipart.parse(
                exchange.getRequestHeaders().getFirst("Content-Type"),
                exchange.getRequestBody().readAllBytes());
        Multipart.Part file = parts.get("file");
        if (file == null) {
            reply(exchange, 400, error(400, "缺少 file 字段"));
            return;
        }
        Multipart.Part hash = parts.get("hash");
        if (hash == null || hash.text().isBlank()) {
            reply(exchange, 400, error(400, "缺少 hash 字段"));
            return;
        }
        String ext = parts.containsKey("ext") && !parts.get("ext").text().isBlank()
                ? parts.get("ext").text().trim()
                : extensionOf(file.filename());
        // The server checks the md5 and keeps the file under the ACTUAL one (the mobile sends a temporary hash).
        String actual = md5(file.bytes());
        Path stored = poolDir.resolve(poolName(actual, ext));
        if (Files.isRegularFile(stored)) {
            touch(stored);
        } else {
            write(stored, file.bytes());
        }
        reply(
                exchange,
                200,
                ok(Map.of(
                        "data",
                        Map.of(
                                "hash",
                                actual,
                                "server_path",
                                stored.toAbsolutePath().toString()))));
    }

    private void submit(HttpExchange exchange) throws IOException {
        JsonNode body = jsonBody(exchange);
        if (body == null) {
            return;
        }
        String audioHash = text(body, "audio_hash");
        String videoHash = text(body, "video_hash");
        if (audioHash == null || audioHash.isBlank() || videoHash == null || videoHash.isBlank()) {
            reply(exchange, 400, error(400, "audio_hash 和 video_hash 不能为空"));
            return;
        }
        String audioExt = Optional.ofNullable(text(body, "audio_ext")).orElse(".wav");
        String videoExt = Optional.ofNullable(text(body, "video_ext")).orElse(".mp4");
        String licenseKey = text(body, "license_key");
        JsonNode fd = body.get("sender_fd");
        Integer senderFd = fd == null || fd.isNull() ? null : fd.asInt();
        Submission submission;
        try {
            submission = submitAs(
                    UUID.randomUUID().toString().replace("-", "").substring(0, 16),
                    audioHash,
                    audioExt,
                    videoHash,
                    videoExt,
                    licenseKey,
                    senderFd);
        } catch (MissingFileException e) {
            reply(exchange, 404, error(404, e.getMessage() + "，请先上传"));
            return;
        }
        notifyActive(submission.taskId(), "heygem_submit");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task_id", submission.taskId());
        if (submission.cached()) {
            data.put("cached", true);
        }
        data.put("queue", submission.queue());
        Map<String, Object> body2 = new LinkedHashMap<>();
        body2.put("msg", submission.cached() ? "缓存命中，直接返回" : "任务已提交");
        body2.put("data", data);
        reply(exchange, 200, ok(body2));
    }

    /**
     * {@code POST /api/asset/upload} (multipart {@code file}, {@code license_key}, {@code asset_type}, {@code name}):
     * stored under {@code assets/<license>/<type>/<md5><ext>} and copied into the pool; a row of the same license,
     * type, md5 and extension is answered instead of a new one, with the new name in the answer only (spec 4.5).
     */
    private void assetUpload(HttpExchange exchange) throws IOException {
        Map<String, Multipart.Part> parts = Multipart.parse(
                exchange.getRequestHeaders().getFirst("Content-Type"),
                exchange.getRequestBody().readAllBytes());
        Multipart.Part file = parts.get("file");
        if (file == null) {
            reply(exchange, 400, error(400, "缺少 file"));
            return;
        }
        String licenseKey = parts.containsKey("license_key")
                ? parts.get("license_key").text().trim()
                : "";
        if (licenseKey.isEmpty()) {
            reply(exchange, 400, error(400, "缺少 license_key"));
            return;
        }
        String assetType =
                parts.containsKey("asset_type") ? parts.get("asset_type").text().trim() : "";
        if (!assetType.equals("voice") && !assetType.equals("avatar")) {
            reply(exchange, 400, error(400, "asset_type 必须为 voice 或 avatar"));
            return;
        }
        String ext = extensionOf(file.filename());
        String stem = file.filename() == null ? "" : file.filename().replaceFirst("\\.[^.]*$", "");
        String name = parts.containsKey("name") && !parts.get("name").text().isBlank()
                ? parts.get("name").text().trim()
                : stem;
        String hash = md5(file.bytes());
        Asset row;
        synchronized (lock) {
            Optional<Asset> same = assets.stream()
                    .filter(a -> a.licenseKey().equals(licenseKey)
                            && a.assetType().equals(assetType)
                            && a.fileHash().equals(hash)
                            && a.fileExt().equals(ext))
                    .max(Comparator.comparingLong(Asset::id));
            if (same.isPresent()) {
                row = same.get();
            } else {
                Path stored = Files.createDirectories(
                                assetDir.resolve(poolName(licenseKey, "")).resolve(assetType))
                        .resolve(poolName(hash, ext));
                write(stored, file.bytes());
                row = new Asset(nextAssetId.getAndIncrement(), licenseKey, assetType, name, hash, ext, stored);
                assets.add(row);
            }
            Path pooled = poolDir.resolve(poolName(hash, ext));
            if (!Files.isRegularFile(pooled)) {
                write(pooled, file.bytes());
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", row.id());
        data.put("name", name);
        data.put("asset_type", assetType);
        data.put("file_hash", hash);
        data.put("file_ext", ext);
        data.put("file_size", file.bytes().length);
        reply(exchange, 200, ok(Map.of("data", data)));
    }

    /** {@code POST /api/asset/delete {"id","license_key"}}: {@code 已删除} also when there is no such asset. */
    private void assetDelete(HttpExchange exchange) throws IOException {
        JsonNode body = jsonBody(exchange);
        if (body == null) {
            return;
        }
        JsonNode id = body.path("id");
        String licenseKey = text(body, "license_key");
        if (!id.canConvertToLong() || id.asLong() <= 0 || licenseKey == null || licenseKey.isBlank()) {
            reply(exchange, 400, error(400, "缺少 id 或 license_key"));
            return;
        }
        deleteAsset(id.asLong(), licenseKey);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("code", 0);
        answer.put("msg", "已删除");
        reply(exchange, 200, answer);
    }

    private void progress(HttpExchange exchange) throws IOException {
        String taskId = query(exchange, "task_id");
        if (taskId == null || taskId.isBlank()) {
            reply(exchange, 400, error(400, "缺少 task_id"));
            return;
        }
        Map<String, Object> data;
        synchronized (lock) {
            ReplicaTask task = tasks.get(taskId);
            if (task == null) {
                data = null;
            } else {
                int position = 0;
                for (ReplicaTask other : tasks.values()) {
                    if ("queued".equals(other.status)) {
                        position++;
                    }
                    if (other == task) {
                        break;
                    }
                }
                data = task.progressData(position, queue(), now());
            }
        }
        if (data == null) {
            reply(exchange, 404, error(404, "任务 " + taskId + " 不存在"));
            return;
        }
        reply(exchange, 200, ok(Map.of("data", data)));
    }

    private void download(HttpExchange exchange) throws IOException {
        String taskId = query(exchange, "task_id");
        if (taskId == null || taskId.isBlank()) {
            reply(exchange, 400, error(400, "缺少 task_id"));
            return;
        }
        String status;
        Path file;
        synchronized (lock) {
            ReplicaTask task = tasks.get(taskId);
            status = task == null ? null : task.status;
            file = task == null ? null : task.resultPath;
        }
        if (status == null) {
            reply(exchange, 404, error(404, "任务 " + taskId + " 不存在"));
            return;
        }
        if (!"done".equals(status)) {
            reply(exchange, 400, error(400, "任务尚未完成 (当前状态: " + status + ")"));
            return;
        }
        if (file == null || !Files.isRegularFile(file)) {
            reply(exchange, 404, error(404, "结果文件不存在"));
            return;
        }
        sendVideo(exchange, file, taskId + ".mp4");
    }

    private void queueRoute(HttpExchange exchange) throws IOException {
        Map<String, Object> data;
        synchronized (lock) {
            data = new LinkedHashMap<>(queue());
            List<Map<String, Object>> list = new ArrayList<>();
            for (ReplicaTask task : tasks.values()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("task_id", task.taskId);
                row.put("status", task.status);
                row.put("progress", task.progress);
                row.put("created_at", task.createdAt);
                list.add(row);
            }
            data.put("tasks", list);
        }
        reply(exchange, 200, ok(Map.of("data", data)));
    }

    private void health(HttpExchange exchange) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("msg", "ok");
        body.put("initialized", true);
        body.put("queue", queue());
        reply(exchange, 200, ok(body));
    }

    /** The video reply: inline mp4, whole or one {@code bytes=a-b} range (Flask's conditional send_file). */
    private static void sendVideo(HttpExchange exchange, Path file, String filename) throws IOException {
        long size = Files.size(file);
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "video/mp4");
        headers.set("Content-Disposition", "inline; filename=\"" + filename + "\"");
        headers.set("Accept-Ranges", "bytes");
        long from = 0;
        long to = size - 1;
        int status = 200;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=") && !range.contains(",")) {
            String[] ends = range.substring("bytes=".length()).split("-", 2);
            try {
                if (ends[0].isBlank()) {
                    from = Math.max(0, size - Long.parseLong(ends[1].trim()));
                } else {
                    from = Long.parseLong(ends[0].trim());
                    if (ends.length > 1 && !ends[1].isBlank()) {
                        to = Math.min(to, Long.parseLong(ends[1].trim()));
                    }
                }
            } catch (NumberFormatException e) {
                from = 0;
                to = size - 1;
            }
            if (from >= size || from > to) {
                headers.set("Content-Range", "bytes */" + size);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            status = 206;
            headers.set("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        long length = to - from + 1;
        if ("HEAD".equals(exchange.getRequestMethod())) {
            headers.set("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, length);
        try (InputStream in = Files.newInputStream(file);
                OutputStream out = exchange.getResponseBody()) {
            in.skipNBytes(from);
            in.transferTo(new BoundedOutput(out, length));
        }
    }

    /** Reads a JSON object body, or answers {@code 400 请求体必须是合法的JSON} and returns null. */
    private JsonNode jsonBody(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (JacksonException e) {
            // answered below
        }
        reply(exchange, 400, error(400, "请求体必须是合法的JSON"));
        return null;
    }

    private static void cors(Headers headers) {
        headers.set("Access-Control-Allow-Origin", "*");
        headers.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type, Range");
        headers.set(
                "Access-Control-Expose-Headers", "Content-Length, Content-Range, Accept-Ranges, Content-Disposition");
    }

    private static Map<String, Object> ok(Map<String, Object> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", 0);
        body.putAll(fields);
        return body;
    }

    private static Map<String, Object> error(int code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("msg", message);
        return body;
    }

    private static void reply(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void html(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes =
                ("<!doctype html><title>" + text + "</title><h1>" + text + "</h1>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String query(HttpExchange exchange, String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || value.isMissingNode() ? null : value.asString();
    }

    private boolean resolveToPool(String hash, String ext) {
        Path pooled = poolDir.resolve(poolName(hash, ext));
        if (Files.isRegularFile(pooled)) {
            touch(pooled);
            return true;
        }
        // _resolve_to_pool: the newest asset with this hash and ext is copied back into the pool.
        Optional<Asset> asset = assets.stream()
                .filter(a -> a.fileHash().equals(hash) && a.fileExt().equals(ext) && Files.isRegularFile(a.path()))
                .max(Comparator.comparingLong(Asset::id));
        if (asset.isEmpty()) {
            return false;
        }
        try {
            Files.copy(asset.get().path(), pooled, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String poolName(String hash, String ext) {
        String name = Objects.requireNonNull(hash, "hash") + (ext == null ? "" : ext);
        if (name.contains("/") || name.contains("\\") || name.contains("..")) {
            throw new IllegalArgumentException("not a pool file name: " + name);
        }
        return name;
    }

    private static String extensionOf(String filename) {
        if (filename == null) {
            return ".bin";
        }
        int dot = filename.lastIndexOf('.');
        return dot >= 0 && dot < filename.length() - 1 ? filename.substring(dot) : ".bin";
    }

    /** Writes through a temporary file and a move, so a reader never sees half a file. */
    private static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".part", ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // a refresh only; the file is still there
        }
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        runners.shutdownNow();
        http.shutdownNow();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // temporary files only
        }
    }

    /** Passes at most {@code limit} bytes on to the exchange's body. */
    private static final class BoundedOutput extends OutputStream {
        private final OutputStream out;
        private long left;

        BoundedOutput(OutputStream out, long limit) {
            this.out = out;
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            if (left > 0) {
                out.write(b);
                left--;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int n = (int) Math.min(len, left);
            if (n > 0) {
                out.write(b, off, n);
                left -= n;
            }
        }
    }
}
