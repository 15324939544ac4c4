package io.dsp.core.heygem;

import io.dsp.core.blob.BlobClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One legacy HeyGem GPU server's HTTP API (legacy protocol, section 4) at a base URL, as its own clients call it:
 * {@code check_files}, {@code upload_file}, {@code submit}, {@code progress}, {@code download}. Every call carries
 * {@code Authorization: Bearer <api_secret>} when a secret is set. Used by the native worker's HTTP engine (the server on
 * its host) and by the gateway's bridge (the server behind a legacy worker).
 *
 * <p>Every refusal is a {@link Failure} with a stable code and whether running the task again can help: an input that
 * neither the server nor asset-api has, or a 4xx the server means, is permanent; a refused secret (another worker may
 * have the right one), an unreachable or restarted server (it keeps tasks in memory only), an input gone from its pool
 * between check and submit, or a 5xx are not.
 */
public final class HeyGemServerClient {

    /** What the server said no with. */
    public static final class Failure extends Exception {

        private final String code;
        private final boolean permanent;

        public Failure(String code, String message, boolean permanent) {
            super(message);
            this.code = code;
            this.permanent = permanent;
        }

        /** Stable reason, e.g. {@code FILE_MISSING}, {@code ENGINE_AUTH}, {@code ENGINE_UNREACHABLE}. */
        public String code() {
            return code;
        }

        /** Running the task again cannot help. */
        public boolean permanent() {
            return permanent;
        }
    }

    /**
     * A file the server's pool must hold.
     *
     * @param hash its md5 (the pool's name for it)
     * @param ext its extension with the dot
     * @param missingMessage the server's own message for a missing file, completed with hash and extension, e.g.
     *     {@code 音频文件不存在: }
     */
    public record PoolFile(String hash, String ext, String missingMessage) {}

    /** A submitted synthesis: the server's task id, and whether it answered from its cache. */
    public record Submitted(String taskId, boolean cached) {}

    /** One {@code progress} reply ({@code data}): status queued, processing, synthesizing, done or error. */
    public record Progress(
            String status, int percent, String message, int totalFrames, int currentFrame, String error) {

        public boolean done() {
            return "done".equals(status);
        }

        public boolean failed() {
            return "error".equals(status);
        }

        /** The server's reason for an error: its {@code error}, else its message. */
        public String errorMessage() {
            return error == null || error.isBlank() ? (message == null ? "合成失败" : message) : error;
        }
    }

    private record Reply(int status, JsonNode body) {}

    private final JsonMapper json;
    private final RestClient http;
    private final String base;

    /**
     * @param baseUrl the server, e.g. {@code http://10.0.0.5:8383}
     * @param apiSecret its {@code server.api_secret}; blank sends none (auth off)
     * @param requestTimeout longest wait to connect and for one reply
     * @param json the application's mapper
     * @param restClients the application's builder; cloned, not changed
     */
    public HeyGemServerClient(
            URI baseUrl, String apiSecret, Duration requestTimeout, JsonMapper json, RestClient.Builder restClients) {
        this.json = json;
        String url = baseUrl.toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        // Apache HttpClient, not the JDK's: the JDK client's response stream swallows a thread interrupt (JDK 17), and
        // an interrupt is how a cancelled synthesis stops polling; a blocking socket read leaves it set for the next
        // wait. Never a redirect: the secret must not travel to another host.
        ClientHttpRequestFactory requests = ClientHttpRequestFactoryBuilder.httpComponents()
                .build(HttpClientSettings.defaults()
                        .withTimeouts(requestTimeout, requestTimeout)
                        .withRedirects(HttpRedirects.DONT_FOLLOW));
        this.http = restClients
                .clone()
                .baseUrl(base)
                .requestFactory(requests)
                .defaultHeaders(headers -> {
                    if (apiSecret != null && !apiSecret.isBlank()) {
                        headers.setBearerAuth(apiSecret);
                    }
                })
                .build();
    }

    /** The server's base URL (never the secret), for logs and messages. */
    public String baseUrl() {
        return base;
    }

    /** {@code check_files}: which of these hashes the pool holds now (it refreshes their age). */
    public Map<String, Boolean> checkFiles(List<PoolFile> files) throws Failure, InterruptedException {
        List<Map<String, String>> asked = files.stream()
                .map(f -> Map.of("hash", f.hash(), "ext", f.ext()))
                .toList();
        JsonNode data = ok("check_files", post("/api/heygem/check_files", Map.of("files", asked)))
                .path("data");
        Map<String, Boolean> present = new LinkedHashMap<>();
        files.forEach(f -> present.put(f.hash(), data.path(f.hash()).asBoolean(false)));
        return present;
    }

    /** A file stored in the pool: the md5 the server computed and where it lies on the server's disk. */
    public record Uploaded(String hash, String serverPath) {}

    /**
     * {@code upload_file}: puts the file into the pool (the server skips the write when it has it). The server keeps the
     * file under the md5 it computes and answers with it.
     */
    public Uploaded uploadFile(String hash, String ext, Path file) throws Failure, InterruptedException {
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        form.add("hash", hash);
        form.add("ext", ext);
        JsonNode data = ok("upload_file", postFile("/api/heygem/upload_file", form, hash + ext, file))
                .path("data");
        return new Uploaded(
                data.path("hash").asString(), data.path("server_path").asString(null));
    }

    /**
     * Makes sure the pool holds these files: {@code check_files}, then each missing one fetched from asset-api by md5
     * (through {@code staging}, removed after) and uploaded.
     *
     * @param always upload even what the pool has, to learn its {@code server_path} (the server skips the write)
     * @return the server path of each file uploaded, by hash
     * @throws Failure {@code FILE_MISSING} (permanent) when asset-api has no such blob or the hash is not an md5,
     *     {@code BLOB_UNAVAILABLE} when asset-api cannot give it now, {@code UPLOAD_CORRUPT} when the server stored
     *     other bytes, or the server's own refusal
     * @throws IOException when the staging directory cannot be written or asset-api cannot be reached
     */
    public Map<String, String> stage(List<PoolFile> files, boolean always, BlobClient blobs, Path staging)
            throws Failure, IOException, InterruptedException {
        Map<String, Boolean> present = always ? Map.of() : checkFiles(files);
        Map<String, String> paths = new LinkedHashMap<>();
        for (PoolFile f : files) {
            if (!present.getOrDefault(f.hash(), false)) {
                paths.put(f.hash(), upload(f, blobs, staging).serverPath());
            }
        }
        return paths;
    }

    private Uploaded upload(PoolFile f, BlobClient blobs, Path staging)
            throws Failure, IOException, InterruptedException {
        return withBlob(f, blobs, staging, file -> {
            Uploaded uploaded = uploadFile(f.hash(), f.ext(), file);
            if (!f.hash().equals(uploaded.hash())) {
                // the server keeps a file under the md5 it computed: these bytes were not the blob
                throw new Failure(
                        "UPLOAD_CORRUPT", "HeyGem stored " + f.hash() + f.ext() + " as " + uploaded.hash(), false);
            }
            return uploaded;
        });
    }

    /** A row of the server's asset store, as its HTTP upload answers it. */
    public record Asset(long id, String name) {}

    /**
     * {@code POST /api/asset/upload} of one blob as an asset of a license, the blob fetched from asset-api by md5
     * (through {@code staging}, removed after). The server answers with the row it already has for the same license,
     * type, md5 and extension (spec 4.5; the new name in the answer, the row unchanged), so an upload done before, over
     * HTTP or by its WebSocket worker, is not stored twice.
     *
     * @throws Failure as {@link #stage}, or the server's refusal
     * @throws IOException when the staging directory cannot be written or asset-api cannot be reached
     */
    public Asset uploadAsset(
            PoolFile f, String licenseKey, String assetType, String name, BlobClient blobs, Path staging)
            throws Failure, IOException, InterruptedException {
        return withBlob(f, blobs, staging, file -> {
            MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
            form.add("license_key", licenseKey);
            form.add("asset_type", assetType);
            form.add("name", name);
            JsonNode data = ok("asset upload", postFile("/api/asset/upload", form, f.hash() + f.ext(), file))
                    .path("data");
            if (!f.hash().equals(data.path("file_hash").asString(""))) {
                throw new Failure(
                        "UPLOAD_CORRUPT",
                        "HeyGem stored asset " + f.hash() + f.ext() + " as "
                                + data.path("file_hash").asString(""),
                        false);
            }
            long id = data.path("id").asLong(0);
            if (id <= 0) {
                throw new Failure("ENGINE_FAILED", "asset upload: HTTP 200 without an asset id: " + data, false);
            }
            return new Asset(id, data.path("name").asString(name));
        });
    }

    /**
     * A multipart POST of {@code fields} and one file part named {@code fileName}, the name the server's own clients
     * send (its extension is what the server keeps).
     */
    private Reply postFile(String path, MultiValueMap<String, Object> fields, String fileName, Path file)
            throws Failure, InterruptedException {
        HttpHeaders filePart = new HttpHeaders();
        filePart.setContentDispositionFormData("file", fileName);
        filePart.setContentType(MediaType.APPLICATION_OCTET_STREAM);
        fields.add("file", new HttpEntity<>(new FileSystemResource(file), filePart));
        return call(() -> http.post()
                .uri(path)
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(fields)
                .exchange((request, response) -> new Reply(
                        response.getStatusCode().value(),
                        parse(response.getBody().readAllBytes()))));
    }

    /** What is done with a blob fetched into the staging directory. */
    private interface WithFile<T> {
        T apply(Path file) throws Failure, InterruptedException;
    }

    /** Fetches the blob into {@code staging}, hands it to {@code action} and removes it either way. */
    private static <T> T withBlob(PoolFile f, BlobClient blobs, Path staging, WithFile<T> action)
            throws Failure, IOException, InterruptedException {
        if (!BlobClient.isMd5(f.hash())) {
            // a temporary hash the server does not have: nowhere to fetch it from
            throw new Failure("FILE_MISSING", f.missingMessage() + f.hash() + f.ext(), true);
        }
        Files.createDirectories(staging);
        Path file = staging.resolve(UUID.randomUUID() + f.ext());
        try {
            try {
                blobs.fetch(f.hash(), file);
            } catch (BlobClient.BlobException e) {
                if (e.missing()) {
                    throw new Failure("FILE_MISSING", f.missingMessage() + f.hash() + f.ext(), true);
                }
                throw new Failure("BLOB_UNAVAILABLE", e.getMessage(), false);
            }
            return action.apply(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * {@code submit} of a synthesis whose inputs the pool holds.
     *
     * @throws Failure {@code FILE_MISSING} (not permanent) when an input left the pool since it was checked: the
     *     server's cleanup removed it, the next attempt uploads it again
     */
    public Submitted submit(String audioHash, String audioExt, String videoHash, String videoExt)
            throws Failure, InterruptedException {
        Reply submitted = post(
                "/api/heygem/submit",
                Map.of("audio_hash", audioHash, "audio_ext", audioExt, "video_hash", videoHash, "video_ext", videoExt));
        if (submitted.status() == 404) {
            throw new Failure("FILE_MISSING", message(submitted), false);
        }
        JsonNode data = ok("submit", submitted).get("data");
        return new Submitted(data.get("task_id").asString(), data.path("cached").asBoolean(false));
    }

    /**
     * {@code POST /api/asset/delete} of one asset of the server's asset store (its HTTP API, which the legacy PHP API
     * tried before it queued a {@code delete_asset}): idempotent, the server answers {@code 已删除} also when the asset
     * is not there.
     */
    public void deleteAsset(long assetId, String licenseKey) throws Failure, InterruptedException {
        ok("asset delete", post("/api/asset/delete", Map.of("id", assetId, "license_key", licenseKey)));
    }

    /**
     * {@code progress} of one of the server's tasks.
     *
     * @throws Failure {@code ENGINE_LOST_TASK} when the server no longer knows it (tasks live in its memory only: it
     *     restarted)
     */
    public Progress progress(String taskId) throws Failure, InterruptedException {
        Reply reply = call(() -> http.get()
                .uri("/api/heygem/progress?task_id={id}", taskId)
                .exchange((request, response) -> new Reply(
                        response.getStatusCode().value(),
                        parse(response.getBody().readAllBytes()))));
        if (reply.status() == 404) {
            throw new Failure("ENGINE_LOST_TASK", "HeyGem no longer knows task " + taskId, false);
        }
        JsonNode data = ok("progress", reply).path("data");
        return new Progress(
                data.path("status").asString("processing"),
                data.path("progress").asInt(0),
                data.path("message").asString(null),
                data.path("total_frames").asInt(0),
                data.path("current_frame").asInt(0),
                data.path("error").asString(""));
    }

    /**
     * {@code download} of a finished task's video to {@code target}, streamed to a partial file next to it and moved
     * into place: never half-visible, never in memory.
     *
     * @throws Failure {@code ENGINE_LOST_RESULT} when the server refuses it (not done, or its file is gone)
     */
    public void download(String taskId, Path target) throws Failure, InterruptedException {
        Reply refused = call(() -> http.get()
                .uri("/api/heygem/download?task_id={id}", taskId)
                .exchange((request, response) -> {
                    try (InputStream body = response.getBody()) {
                        if (response.getStatusCode().value() != 200) {
                            return new Reply(response.getStatusCode().value(), parse(body.readAllBytes()));
                        }
                        Path dir = target.toAbsolutePath().getParent();
                        Files.createDirectories(dir);
                        Path partial = Files.createTempFile(dir, ".result-", ".part");
                        try {
                            Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
                            Files.move(
                                    partial,
                                    target,
                                    StandardCopyOption.REPLACE_EXISTING,
                                    StandardCopyOption.ATOMIC_MOVE);
                        } finally {
                            Files.deleteIfExists(partial);
                        }
                        return null;
                    }
                }));
        if (refused != null) {
            throw failure("download", refused);
        }
    }

    private Reply post(String path, Object body) throws Failure, InterruptedException {
        return call(() -> http.post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
                .body(json.writeValueAsString(body))
                .exchange((request, response) -> new Reply(
                        response.getStatusCode().value(),
                        parse(response.getBody().readAllBytes()))));
    }

    /** One exchange with the server; a transport failure means the server is unreachable (worth a retry). */
    private <T> T call(Supplier<T> exchange) throws Failure, InterruptedException {
        try {
            return exchange.get();
        } catch (ResourceAccessException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted talking to HeyGem at " + base);
            }
            throw new Failure("ENGINE_UNREACHABLE", "HeyGem server at " + base + " unreachable: " + e, false);
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            return json.readTree(body);
        } catch (RuntimeException e) {
            return json.createObjectNode();
        }
    }

    /** The body of a successful reply, or the failure its status means. */
    private JsonNode ok(String step, Reply reply) throws Failure {
        if (reply.status() == 200 && reply.body().path("code").asInt(-1) == 0) {
            return reply.body();
        }
        throw failure(step, reply);
    }

    private static Failure failure(String step, Reply reply) {
        String message = step + ": HTTP " + reply.status() + " " + message(reply);
        if (reply.status() == 401) {
            // the worker's secret is wrong, not the task: another worker may have the right one
            return new Failure("ENGINE_AUTH", message, false);
        }
        if (reply.status() >= 500 || reply.status() == 200) {
            return new Failure("ENGINE_FAILED", message, false);
        }
        if (step.equals("download")) {
            return new Failure("ENGINE_LOST_RESULT", message, false);
        }
        return new Failure("ENGINE_REJECTED", message, true);
    }

    private static String message(Reply reply) {
        return reply.body().path("msg").asString("");
    }
}
