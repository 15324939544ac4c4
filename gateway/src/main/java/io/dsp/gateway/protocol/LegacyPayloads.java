package io.dsp.gateway.protocol;

import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.UploadAssetPayload;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Maps a legacy {@code payload} object to the typed task payload and back, so a legacy worker receives exactly the
 * field names it reads (legacy spec section 3) whichever edge accepted the task.
 */
public final class LegacyPayloads {

    private final JsonMapper json;

    public LegacyPayloads(JsonMapper json) {
        this.json = json;
    }

    /**
     * The typed payload of a client's {@code payload} object.
     *
     * @throws IllegalArgumentException with the legacy worker's own error text when a required field is missing
     */
    public Object fromLegacy(String taskType, JsonNode payload) {
        ObjectNode object = payload != null && payload.isObject() ? (ObjectNode) payload : json.createObjectNode();
        return switch (taskType) {
            case "delete_asset" -> {
                JsonNode id = object.get("id");
                if (id == null
                        || !(id.isIntegralNumber()
                                || (id.isString() && id.asString().matches("\\d{1,18}")))) {
                    throw new IllegalArgumentException("缺少 id 或 license_key");
                }
                yield DeleteAssetPayload.newBuilder()
                        .setAssetId(id.asLong())
                        .setFileHash(text(object, "file_hash"))
                        .setFileExt(text(object, "file_ext"))
                        .build();
            }
            case "heygem_submit" -> {
                String audio = text(object, "audio_hash");
                String video = text(object, "video_hash");
                if (audio == null || video == null) {
                    throw new IllegalArgumentException("缺少 audio_hash 或 video_hash");
                }
                yield HeyGemSubmitPayload.newBuilder()
                        .setAudioHash(audio)
                        .setAudioExt(orDefault(text(object, "audio_ext"), ".wav"))
                        .setVideoHash(video)
                        .setVideoExt(orDefault(text(object, "video_ext"), ".mp4"))
                        .build();
            }
            // upload_asset over the socket names a file on the legacy API host, which the typed payload cannot carry.
            default ->
                GenericPayload.newBuilder()
                        .setJson(json.writeValueAsString(object))
                        .build();
        };
    }

    /** The legacy {@code payload} object a worker reads for this task. */
    public Map<String, Object> toLegacy(TaskRequested task) {
        Map<String, Object> out = new LinkedHashMap<>();
        Object payload = task.getPayload();
        if (payload instanceof DeleteAssetPayload delete) {
            out.put("id", delete.getAssetId());
            putIfSet(out, "file_hash", delete.getFileHash());
            putIfSet(out, "file_ext", delete.getFileExt());
        } else if (payload instanceof UploadAssetPayload upload) {
            out.put("asset_id", upload.getAssetId());
            out.put("asset_type", upload.getAssetType().name());
            out.put("name", upload.getName());
            out.put("file_hash", upload.getFileHash());
            out.put("file_ext", upload.getFileExt());
            out.put("file_size", upload.getFileSize());
            putIfSet(out, "original_filename", upload.getOriginalFilename());
        } else if (payload instanceof HeyGemSubmitPayload heygem) {
            out.put("audio_hash", heygem.getAudioHash());
            out.put("audio_ext", heygem.getAudioExt());
            out.put("video_hash", heygem.getVideoHash());
            out.put("video_ext", heygem.getVideoExt());
            out.put("task_id", task.getRequestId());
        } else if (payload instanceof GenericPayload generic) {
            try {
                JsonNode node = json.readTree(generic.getJson());
                if (node != null && node.isObject()) {
                    node.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
                }
            } catch (JacksonException e) {
                // A payload that is not an object is passed on empty; the worker answers with its own error.
            }
        }
        out.putIfAbsent("license_key", task.getLicenseKey());
        return out;
    }

    private static String text(JsonNode object, String field) {
        JsonNode node = object.get(field);
        return node != null && node.isString() && !node.asString().isBlank() ? node.asString() : null;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static void putIfSet(Map<String, Object> out, String field, Object value) {
        if (value != null) {
            out.put(field, value);
        }
    }
}
