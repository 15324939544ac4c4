package io.dsp.gpuconsumer.heygem;

import io.dsp.core.blob.BlobClient;
import io.dsp.core.heygem.HeyGemServerClient;
import io.dsp.core.heygem.HeyGemServerClient.PoolFile;
import io.dsp.gpuconsumer.execution.TaskContext;
import io.dsp.schemas.avro.TaskProgress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives the legacy HeyGem server on this host over its HTTP API (legacy protocol, section 4), as its own clients do:
 * {@code check_files} for the two inputs, {@code upload_file} for those the server's pool lacks (fetched by md5 from
 * asset-api), {@code submit}, {@code progress} until done or error, then {@code download} into the result store. The
 * calls and what each refusal means are {@link HeyGemServerClient}'s, shared with the gateway's bridge.
 *
 * <p>What can go wrong, and what it means for the task: an input that neither the server nor asset-api has, or a
 * synthesis error, fail it for good; a refused secret, an unreachable or restarted server (it keeps tasks in memory
 * only), an input gone from its pool between check and submit, a 5xx or a synthesis running past the timeout are
 * retried, possibly on another worker.
 */
final class HeyGemHttpEngine implements HeyGemEngine {

    private static final Logger log = LoggerFactory.getLogger(HeyGemHttpEngine.class);

    private final HeyGemSettings.Http settings;
    private final BlobClient blobs;
    private final EngineFiles results;
    private final HeyGemServerClient server;

    HeyGemHttpEngine(
            HeyGemSettings.Http settings,
            BlobClient blobs,
            EngineFiles results,
            JsonMapper json,
            RestClient.Builder http) {
        this.settings = settings;
        this.blobs = blobs;
        this.results = results;
        this.server =
                new HeyGemServerClient(settings.baseUrl(), settings.apiSecret(), settings.requestTimeout(), json, http);
    }

    @Override
    public Result synthesize(Job job, TaskContext context) throws EngineException, IOException, InterruptedException {
        try {
            server.stage(
                    List.of(
                            new PoolFile(job.audioHash(), job.audioExt(), "音频文件不存在: "),
                            new PoolFile(job.videoHash(), job.videoExt(), "视频文件不存在: ")),
                    false,
                    blobs,
                    results.staging());
            HeyGemServerClient.Submitted submitted =
                    server.submit(job.audioHash(), job.audioExt(), job.videoHash(), job.videoExt());
            log.info(
                    "requestId={} submitted to HeyGem as {}{}",
                    job.requestId(),
                    submitted.taskId(),
                    submitted.cached() ? " (cached)" : "");
            awaitDone(submitted.taskId(), context);
            Path video = results.video(job.licenseKey(), job.requestId());
            server.download(submitted.taskId(), video);
            return new Result(submitted.taskId(), video, submitted.cached());
        } catch (HeyGemServerClient.Failure e) {
            throw new EngineException(e.code(), e.getMessage(), e.permanent());
        }
    }

    private void awaitDone(String engineTaskId, TaskContext context)
            throws HeyGemServerClient.Failure, EngineException, InterruptedException {
        long deadline = System.nanoTime() + settings.taskTimeout().toNanos();
        while (true) {
            HeyGemServerClient.Progress progress = server.progress(engineTaskId);
            context.progress(TaskProgress.newBuilder()
                    .setStatus(progress.status())
                    .setPercent(progress.percent())
                    .setMessage(progress.message())
                    .setTotalFrames(progress.totalFrames())
                    .setCurrentFrame(progress.currentFrame())
                    .build());
            if (progress.done()) {
                return;
            }
            if (progress.failed()) {
                throw new EngineException("ENGINE_ERROR", progress.errorMessage(), true);
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
}
