package io.dsp.core.legacy;

import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.UploadAssetPayload;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A task's legacy {@code payload} object (legacy spec section 3) and its typed payload, both ways: the gateway types a
 * client's payload and gives a legacy worker its payload back, ops types the frames it migrates from the legacy
 * queues. So a legacy worker receives exactly the field names it reads whichever edge accepted the task.
 *
 * <p>{@code delete_asset} and {@code heygem_submit} have typed payloads; every other type (also {@code upload_asset},
 * which over the socket names a file on the legacy API host that the typed payload cannot carry) keeps its payload
 * object as JSON.
 */
public final class LegacyTaskPayloads {

    private final JsonMapper json;

    public LegacyTaskPayloads(JsonMapper json) {
        this.json = json;
    }

    /**
     * The typed payload of a client's {@code payload} object (absent or not an object: an empty one).
     *
     * @throws IllegalArgumentException with the legacy worker's own error text when a required field is missing
     */
    public Object fromLegacy(String taskType, JsonNode payload) {
        ObjectNode object = objectOf(payload);
        return switch (taskType) {
            case "delete_asset" ->
                deleteAsset(object).orElseThrow(() -> new IllegalArgumentException("缺少 id 或 license_key"));
            case "heygem_submit" ->
                heyGem(object).orElseThrow(() -> new IllegalArgumentException("缺少 audio_hash 或 video_hash"));
            default -> generic(object);
        };
    }

    /**
     * Like {@link #fromLegacy}, but a payload that misses a required field is kept as JSON, so a task that was queued
     * already is not lost: the worker answers it with the legacy error.
     */
    public Object fromLegacyOrGeneric(String taskType, JsonNode payload) {
        ObjectNode object = objectOf(payload);
        Optional<Object> typed = switch (taskType) {
            case "delete_asset" -> deleteAsset(object).map(Object.class::cast);
            case "heygem_submit" -> heyGem(object).map(Object.class::cast);
            default -> Optional.empty();
        };
        return typed.orElseGet(() -> generic(object));
    }

    /** A payload kept as its JSON text. */
    public GenericPayload generic(JsonNode object) {
        return GenericPayload.newBuilder()
                .setJson(json.writeValueAsString(object))
                .build();
    }

    /** The legacy {@code payload} object a worker reads for this task; it always names the task's license. */
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

    private ObjectNode objectOf(JsonNode payload) {
        return payload != null && payload.isObject() ? (ObjectNode) payload : json.createObjectNode();
    }

    /** The asset id is a JSON integer or a string of up to 18 digits. */
    private static Optional<DeleteAssetPayload> deleteAsset(JsonNode object) {
        JsonNode id = object.get("id");
        if (id == null
                || !(id.isIntegralNumber() || (id.isString() && id.asString().matches("\\d{1,18}")))) {
            return Optional.empty();
        }
        return Optional.of(DeleteAssetPayload.newBuilder()
                .setAssetId(id.asLong())
                .setFileHash(text(object, "file_hash"))
                .setFileExt(text(object, "file_ext"))
                .build());
    }

    /** Both hashes are required; the extensions default to the legacy worker's {@code .wav} and {@code .mp4}. */
    private static Optional<HeyGemSubmitPayload> heyGem(JsonNode object) {
        String audio = text(object, "audio_hash");
        String video = text(object, "video_hash");
        if (audio == null || video == null) {
            return Optional.empty();
        }
        return Optional.of(HeyGemSubmitPayload.newBuilder()
                .setAudioHash(audio)
                .setAudioExt(orDefault(text(object, "audio_ext"), ".wav"))
                .setVideoHash(video)
                .setVideoExt(orDefault(text(object, "video_ext"), ".mp4"))
                .build());
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
