package io.dsp.gpuconsumer.assetstore;

import io.dsp.gpuconsumer.execution.TaskHandler;
import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.TaskRequested;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** {@code delete_asset}: removes the asset's files; like the legacy GPU, succeeds also when there were none. */
@Component
class DeleteAssetHandler implements TaskHandler {

    private static final Logger log = LoggerFactory.getLogger(DeleteAssetHandler.class);

    private final LocalAssetStore store;
    private final JsonMapper json;

    DeleteAssetHandler(LocalAssetStore store, JsonMapper json) {
        this.store = store;
        this.json = json;
    }

    @Override
    public String taskType() {
        return "delete_asset";
    }

    @Override
    public TaskOutcome handle(TaskRequested task) throws Exception {
        if (!(task.getPayload() instanceof DeleteAssetPayload payload) || payload.getAssetId() <= 0) {
            return new TaskOutcome.Failed("BAD_PAYLOAD", "缺少 id 或 license_key");
        }
        if (!store.delete(task.getLicenseKey(), payload.getAssetId())) {
            log.warn("asset {} of requestId={} had no files here", payload.getAssetId(), task.getRequestId());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", payload.getAssetId());
        result.put("msg", "删除成功");
        return new TaskOutcome.Succeeded(json.writeValueAsString(result));
    }
}
