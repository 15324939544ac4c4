package io.dsp.gpuconsumer.heygem;

import io.dsp.core.store.ResultStore;
import io.dsp.gpuconsumer.execution.TaskContext;
import io.dsp.gpuconsumer.execution.TaskHandler;
import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.StoredResult;
import io.dsp.schemas.avro.TaskRequested;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code heygem_submit}: one synthesis through the configured {@link HeyGemEngine}. Unlike the legacy GPU, which
 * answered at acceptance, the result is sent at completion, once the video is in the central result store: the
 * SUCCEEDED event names it there (hash, size, type), never a path on this worker, and the local copy is removed. A
 * store that is unreachable makes the attempt a retry (the video is made again on a later delivery); a full one fails
 * the task with a clear message, as the legacy bridge does.
 */
@Component
class HeyGemSubmitHandler implements TaskHandler {

    /** A file hash as clients send it: md5, or the mobile's temporary {@code tmp_<ts>_<rand>}; safe in a URL. */
    private static final Pattern HASH = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private static final Pattern EXTENSION = Pattern.compile("\\.[A-Za-z0-9]{1,8}");

    static final String VIDEO = "video/mp4";

    private final HeyGemEngine engine;
    private final ResultStore results;
    private final JsonMapper json;

    HeyGemSubmitHandler(HeyGemEngine engine, ResultStore results, JsonMapper json) {
        this.engine = engine;
        this.results = results;
        this.json = json;
    }

    @Override
    public String taskType() {
        return "heygem_submit";
    }

    @Override
    public TaskOutcome handle(TaskRequested task) throws Exception {
        return handle(task, TaskContext.NONE);
    }

    @Override
    public TaskOutcome handle(TaskRequested task, TaskContext context) throws Exception {
        if (!(task.getPayload() instanceof HeyGemSubmitPayload payload)
                || !HASH.matcher(payload.getAudioHash()).matches()
                || !HASH.matcher(payload.getVideoHash()).matches()
                || !EXTENSION.matcher(payload.getAudioExt()).matches()
                || !EXTENSION.matcher(payload.getVideoExt()).matches()) {
            return new TaskOutcome.Failed("BAD_PAYLOAD", "缺少 audio_hash 或 video_hash");
        }
        HeyGemEngine.Job job = new HeyGemEngine.Job(
                task.getRequestId(),
                task.getLicenseKey(),
                payload.getAudioHash(),
                payload.getAudioExt(),
                payload.getVideoHash(),
                payload.getVideoExt());
        HeyGemEngine.Result result;
        try {
            result = engine.synthesize(job, context);
        } catch (HeyGemEngine.EngineException e) {
            return e.permanent()
                    ? new TaskOutcome.Failed(e.code(), e.getMessage())
                    : new TaskOutcome.Retry(e.code() + ": " + e.getMessage());
        }
        StoredResult stored;
        try {
            stored = results.put(result.video(), VIDEO);
        } catch (ResultStore.StoreFullException e) {
            // an operator's matter, not this task's: fail it clearly rather than synthesise it again into a full disk
            return new TaskOutcome.Failed("STORE_FULL", "结果存储空间不足，无法保存合成结果: " + e.getMessage());
        } catch (IOException e) {
            return new TaskOutcome.Retry("RESULT_STORE_UNAVAILABLE: " + e.getMessage());
        } finally {
            Files.deleteIfExists(result.video());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("task_id", task.getRequestId());
        answer.put("engine_task_id", result.engineTaskId());
        answer.put("cached", result.cached());
        answer.put("sha256", stored.getSha256());
        answer.put("size", stored.getSize());
        answer.put("content_type", stored.getContentType());
        return new TaskOutcome.Succeeded(json.writeValueAsString(answer), stored);
    }
}
