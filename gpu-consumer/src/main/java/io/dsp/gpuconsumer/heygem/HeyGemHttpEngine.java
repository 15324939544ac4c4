package io.dsp.gpuconsumer.heygem;

import io.dsp.gpuconsumer.assetstore.BlobClient;
import io.dsp.gpuconsumer.execution.TaskContext;
import io.dsp.schemas.avro.TaskProgress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * Drives the legacy HeyGem server on this host over its HTTP API (legacy protocol, section 4), as its own clients do:
 * {@code check_files} for the two inputs, {@code upload_file} for those the server's pool lacks (fetched by md5 from
 * asset-api), {@code submit}, {@code progress} until done or error, then {@code download} into the result store. Every
 * call carries {@code Authorization: Bearer <api_secret>} when a secret is set.
 *
 * <p>What can go wrong, and what it means for the task: an input that neither the server nor asset-api has, or a
 * synthesis error, fail it for good; a refused secret, an unreachable or restarted server (it keeps tasks in memory
 * only), an input gone from its pool between check and submit, a 5xx or a synthesis running past the timeout are
 * retried, possibly on another worker.
 */
final class HeyGemHttpEngine implements HeyGemEngine {

    private static final Logger log = LoggerFactory.getLogger(HeyGemHttpEngine.class);

    private record Reply(int status, JsonNode body) {}

    private final HeyGemSettings.Http settings;
    private final BlobClient blobs;
    private final ResultStore results;
    private final JsonMapper json;
    private final RestClient http;
    private final String base;

    HeyGemHttpEngine(
            HeyGemSettings.Http settings,
            BlobClient blobs,
            ResultStore results,
            JsonMapper json,
            RestClient.Builder http) {
        this.settings = settings;
        this.blobs = blobs;
        this.results = results;
        this.json = json;
        String url = settings.baseUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        // Apache HttpClient, not the JDK's: the JDK client's response stream swallows a thread interrupt (JDK 17), and
        // an
        // interrupt is how a cancelled synthesis stops polling; a blocking socket read leaves it set for the next wait.
        ClientHttpRequestFactory requests = ClientHttpRequestFactoryBuilder.httpComponents()
                .build(HttpClientSettings.defaults()
                        .withTimeouts(settings.requestTimeout(), settings.requestTimeout())
                        .withRedirects(HttpRedirects.DONT_FOLLOW));
        this.http = http.clone()
                .baseUrl(base)
                .requestFactory(requests)
                .defaultHeaders(headers -> {
                    if (!settings.apiSecret().isBlank()) {
                        headers.setBearerAuth(settings.apiSecret());
                    }
                })
                .build();
    }

    @Override
    public Result synthesize(Job job, TaskContext context) throws EngineException, IOException, InterruptedException {
        stageInputs(job);
        Reply submitted = post(
                "/api/heygem/submit",
                Map.of(
                        "audio_hash", job.audioHash(),
                        "audio_ext", job.audioExt(),
                        "video_hash", job.videoHash(),
                        "video_ext", job.videoExt()));
        if (submitted.status() == 404) {
            // checked and uploaded a moment ago: the server's cleanup removed it since; the next attempt uploads it
            throw new EngineException("FILE_MISSING", message(submitted), false);
        }
        JsonNode data = ok("submit", submitted).get("data");
        String engineTaskId = data.get("task_id").asString();
        boolean cached = data.path("cached").asBoolean(false);
        log.info("requestId={} submitted to HeyGem as {}{}", job.requestId(), engineTaskId, cached ? " (cached)" : "");
        awaitDone(engineTaskId, context);
        return new Result(engineTaskId, download(job, engineTaskId), cached);
    }

    /** Makes sure the server's pool holds both inputs, uploading what it lacks. */
    private void stageInputs(Job job) throws EngineException, IOException, InterruptedException {
        Reply checked = post(
                "/api/heygem/check_files",
                Map.of(
                        "files",
                        List.of(
                                Map.of("hash", job.audioHash(), "ext", job.audioExt()),
                                Map.of("hash", job.videoHash(), "ext", job.videoExt()))));
        JsonNode present = ok("check_files", checked).path("data");
        if (!present.path(job.audioHash()).asBoolean(false)) {
            upload(job.audioHash(), job.audioExt(), "音频文件不存在: ");
        }
        if (!present.path(job.videoHash()).asBoolean(false)) {
            upload(job.videoHash(), job.videoExt(), "视频文件不存在: ");
        }
    }

    private void upload(String hash, String ext, String missingMessage)
            throws EngineException, IOException, InterruptedException {
        if (!BlobClient.isMd5(hash)) {
            // a temporary hash the server does not have: nowhere to fetch it from
            throw new EngineException("FILE_MISSING", missingMessage + hash + ext, true);
        }
        Files.createDirectories(results.staging());
        Path file = results.staging().resolve(UUID.randomUUID() + ext);
        try {
            try {
                blobs.fetch(hash, file);
            } catch (BlobClient.BlobException e) {
                if (e.missing()) {
                    throw new EngineException("FILE_MISSING", missingMessage + hash + ext, true);
                }
                throw new EngineException("BLOB_UNAVAILABLE", e.getMessage(), false);
            }
            // The server keeps the file under the md5 it computes; the part's file name is the one its clients send.
            HttpHeaders filePart = new HttpHeaders();
            filePart.setContentDispositionFormData("file", hash + ext);
            filePart.setContentType(MediaType.APPLICATION_OCTET_STREAM);
            MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
            form.add("hash", hash);
            form.add("ext", ext);
            form.add("file", new HttpEntity<>(new FileSystemResource(file), filePart));
            Reply uploaded = call(() -> http.post()
                    .uri("/api/heygem/upload_file")
                    .contentType(MediaType.MULTIPART_FORM_DATA)
                    .body(form)
                    .exchange((request, response) -> new Reply(
                            response.getStatusCode().value(),
                            parse(response.getBody().readAllBytes()))));
            String stored =
                    ok("upload_file", uploaded).path("data").path("hash").asString();
            if (!hash.equals(stored)) {
                // the server keeps a file under the md5 it computed: these bytes were not the blob
                throw new EngineException("UPLOAD_CORRUPT", "HeyGem stored " + hash + ext + " as " + stored, false);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void awaitDone(String engineTaskId, TaskContext context)
            throws EngineException, IOException, InterruptedException {
        long deadline = System.nanoTime() + settings.taskTimeout().toNanos();
        while (true) {
            Reply reply = get("/api/heygem/progress?task_id={id}", engineTaskId);
            if (reply.status() == 404) {
                // tasks live in the server's memory only: it restarted and forgot this one
                throw new EngineException("ENGINE_LOST_TASK", "HeyGem no longer knows task " + engineTaskId, false);
            }
            JsonNode data = ok("progress", reply).path("data");
            String status = data.path("status").asString("processing");
            context.progress(TaskProgress.newBuilder()
                    .setStatus(status)
                    .setPercent(data.path("progress").asInt(0))
                    .setMessage(data.path("message").asString(null))
                    .setTotalFrames(data.path("total_frames").asInt(0))
                    .setCurrentFrame(data.path("current_frame").asInt(0))
                    .build());
            if ("done".equals(status)) {
                return;
            }
            if ("error".equals(status)) {
                String error = data.path("error").asString("");
                throw new EngineException(
                        "ENGINE_ERROR", error.isBlank() ? data.path("message").asString("合成失败") : error, true);
            }
            if (System.nanoTime() > deadline) {
                throw new EngineException(
                        "ENGINE_TIMEOUT",
                        "HeyGem task " + engineTaskId + " not done after " + settings.taskTimeout(),
                        false);
            }
            Thread.sleep(settings.pollInterval().toMillis());
        }
    }

    private Path download(Job job, String engineTaskId) throws EngineException, IOException, InterruptedException {
        Path video = results.video(job.licenseKey(), job.requestId());
        Reply refused = call(() -> http.get()
                .uri("/api/heygem/download?task_id={id}", engineTaskId)
                .exchange((request, response) -> {
                    try (InputStream body = response.getBody()) {
                        if (response.getStatusCode().value() != 200) {
                            return new Reply(response.getStatusCode().value(), parse(body.readAllBytes()));
                        }
                        // streamed to a partial file and moved into place: never half-visible, never in memory
                        Files.createDirectories(video.getParent());
                        Path partial = Files.createTempFile(video.getParent(), ".result-", ".part");
                        try {
                            Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
                            Files.move(
                                    partial,
                                    video,
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
        return video;
    }

    private Reply post(String path, Object body) throws EngineException, InterruptedException {
        return call(() -> http.post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
                .body(json.writeValueAsString(body))
                .exchange((request, response) -> new Reply(
                        response.getStatusCode().value(),
                        parse(response.getBody().readAllBytes()))));
    }

    private Reply get(String path, Object... variables) throws EngineException, InterruptedException {
        return call(() -> http.get()
                .uri(path, variables)
                .exchange((request, response) -> new Reply(
                        response.getStatusCode().value(),
                        parse(response.getBody().readAllBytes()))));
    }

    /** One exchange with the server; a transport failure means the server is unreachable (worth a retry). */
    private <T> T call(java.util.function.Supplier<T> exchange) throws EngineException, InterruptedException {
        try {
            return exchange.get();
        } catch (ResourceAccessException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted talking to HeyGem at " + base);
            }
            throw new EngineException("ENGINE_UNREACHABLE", "HeyGem server at " + base + " unreachable: " + e, false);
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            return json.readTree(body);
        } catch (RuntimeException e) {
            return json.createObjectNode();
        }
    }

    /** The body of a successful reply, or the failure the status means. */
    private JsonNode ok(String step, Reply reply) throws EngineException {
        if (reply.status() == 200 && reply.body().path("code").asInt(-1) == 0) {
            return reply.body();
        }
        throw failure(step, reply);
    }

    private EngineException failure(String step, Reply reply) {
        String message = step + ": HTTP " + reply.status() + " " + message(reply);
        if (reply.status() == 401) {
            // the worker's secret is wrong, not the task: another worker may have the right one
            return new EngineException("ENGINE_AUTH", message, false);
        }
        if (reply.status() >= 500 || reply.status() == 200) {
            return new EngineException("ENGINE_FAILED", message, false);
        }
        if (step.equals("download")) {
            return new EngineException("ENGINE_LOST_RESULT", message, false);
        }
        return new EngineException("ENGINE_REJECTED", message, true);
    }

    private static String message(Reply reply) {
        return reply.body().path("msg").asString("");
    }
}
