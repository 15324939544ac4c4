package io.dsp.gpuconsumer.assetstore;

import io.dsp.core.blob.BlobClient;
import io.dsp.gpuconsumer.execution.TaskHandler;
import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.UploadAssetPayload;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code upload_asset}: fetches the asset's blob from asset-api by md5, verifies it and installs it in this host's
 * asset store. Installing the same asset again (a retry after a lost acknowledgement) replaces the file with the same
 * bytes, so the effect is the same however often it runs.
 */
@Component
class UploadAssetHandler implements TaskHandler {

    private static final Pattern EXTENSION = Pattern.compile("\\.[A-Za-z0-9]{1,8}");

    private final LocalAssetStore store;
    private final BlobClient blobs;
    private final JsonMapper json;

    UploadAssetHandler(LocalAssetStore store, BlobClient blobs, JsonMapper json) {
        this.store = store;
        this.blobs = blobs;
        this.json = json;
    }

    @Override
    public String taskType() {
        return "upload_asset";
    }

    @Override
    public TaskOutcome handle(TaskRequested task) throws IOException, InterruptedException {
        if (!(task.getPayload() instanceof UploadAssetPayload payload)
                || payload.getAssetId() <= 0
                || !BlobClient.isMd5(payload.getFileHash())
                || !EXTENSION.matcher(payload.getFileExt()).matches()) {
            // the legacy GPU's answer to an incomplete upload_asset
            return new TaskOutcome.Failed("BAD_PAYLOAD", "缺少必要参数");
        }
        String file = payload.getFileHash() + payload.getFileExt();
        try {
            blobs.fetch(
                    payload.getFileHash(),
                    store.directory(task.getLicenseKey(), payload.getAssetId()).resolve(file));
        } catch (BlobClient.BlobException e) {
            if (e.missing()) {
                return new TaskOutcome.Failed("FILE_MISSING", "文件不存在: " + file);
            }
            return new TaskOutcome.Retry(e.getMessage());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", payload.getAssetId());
        result.put("name", payload.getName());
        result.put("msg", "上传成功");
        return new TaskOutcome.Succeeded(json.writeValueAsString(result));
    }
}
