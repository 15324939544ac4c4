package io.dsp.ops.migrate;

import io.dsp.core.legacy.LegacyTaskPayloads;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns one entry of a legacy {@code dsp:pending_tasks:<key>} list (the exact frame the legacy gateway would have sent
 * to a worker, legacy spec section 2.4) into the tasks it carries, as the new edges would have accepted them.
 *
 * <ul>
 *   <li>{@code gpu.job.submit} / {@code gpu_task}: {@code delete_asset} and {@code heygem_submit} get their typed
 *       payloads exactly as the gateway builds them ({@link LegacyTaskPayloads}); {@code upload_asset} and every other type keep their payload
 *       object as JSON ({@code GenericPayload}); a typed payload missing a required field is kept as JSON too, so the
 *       worker answers it with the legacy error instead of the task being lost;
 *   <li>{@code url} and {@code chatglm_video} (legacy {@code ws_worker} work): task types {@code url} and
 *       {@code chatglm_video} with {@code {"url":...}} / {@code {"content":...}};
 *   <li>{@code gpu.job.dispatch.batch}: each job of {@code data.jobs} on its own;
 *   <li>any other JSON object: its {@code task_type} (else its {@code type}) with the whole frame as payload.
 * </ul>
 *
 * The request id is the frame's own {@code request_id} when it is a valid one, else {@code legacy-} and the first 24
 * hex digits of SHA-256 over the list name, the entry's absolute position in the list (entries removed by earlier runs
 * counted) and the exact frame text (and the job's index in a batch): the same entry always maps to the same id.
 */
final class LegacyFrames {

    static final String GLOBAL = "__global__";
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern TASK_TYPE = Pattern.compile("[a-z0-9_.]{1,64}");
    static final String NODE_ID = "ops-migrate-legacy";

    /** One task to write, with the frame type it came from (for the counts). */
    record Migrated(String frameType, TaskRequested task) {}

    /** What one list entry becomes: its tasks, or why it cannot become any (it then stays in Redis). */
    record Outcome(List<Migrated> tasks, String problem) {
        static Outcome problem(String why) {
            return new Outcome(List.of(), why);
        }
    }

    private final JsonMapper json;
    private final LegacyTaskPayloads payloads;

    LegacyFrames(JsonMapper json) {
        this.json = json;
        this.payloads = new LegacyTaskPayloads(json);
    }

    /**
     * @param listKey the license key part of the list name ({@value #GLOBAL} for the global list)
     * @param position the entry's absolute position in its list
     * @param globalLicense the license for entries of the global list that name none, or null
     */
    Outcome parse(String listKey, long position, String frame, String globalLicense, Instant now) {
        JsonNode node;
        try {
            node = json.readTree(frame);
        } catch (JacksonException e) {
            return Outcome.problem("not JSON");
        }
        if (node == null || !node.isObject()) {
            return Outcome.problem("not a JSON object");
        }
        String type = text(node, "type");
        if ("gpu.job.dispatch.batch".equals(type)) {
            JsonNode jobs = node.path("data").path("jobs");
            if (!jobs.isArray() || jobs.isEmpty()) {
                return Outcome.problem("a batch without jobs");
            }
            List<Migrated> out = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                JsonNode job = jobs.get(i);
                if (!job.isObject()) {
                    return Outcome.problem("a batch job that is not an object");
                }
                Outcome one = single(listKey, position, frame + "#job" + i, job, globalLicense, now);
                if (one.problem() != null) {
                    return Outcome.problem("batch job " + i + ": " + one.problem());
                }
                out.addAll(one.tasks());
            }
            return new Outcome(out, null);
        }
        return single(listKey, position, frame, node, globalLicense, now);
    }

    private Outcome single(
            String listKey, long position, String identity, JsonNode frame, String globalLicense, Instant now) {
        String license = license(listKey, frame, globalLicense);
        if (license == null) {
            return Outcome.problem("global list entry names no license (use --global-license KEY)");
        }
        String frameType = text(frame, "type");
        String taskType;
        Object payload;
        if (frameType == null) {
            frameType = "(no type)";
        }
        switch (frameType) {
            case "gpu.job.submit", "gpu_task" -> {
                String declared = text(frame, "task_type");
                taskType = declared != null && TASK_TYPE.matcher(declared).matches() ? declared : frameType;
                payload = payloads.fromLegacyOrGeneric(taskType, frame.get("payload"));
            }
            case "url" -> {
                taskType = "url";
                ObjectNode p = json.createObjectNode();
                p.put("url", text(frame, "url") == null ? "" : text(frame, "url"));
                payload = payloads.generic(p);
            }
            case "chatglm_video" -> {
                taskType = "chatglm_video";
                ObjectNode p = json.createObjectNode();
                p.put("content", text(frame, "content") == null ? "" : text(frame, "content"));
                payload = payloads.generic(p);
            }
            default -> {
                String declared = text(frame, "task_type");
                String candidate = declared != null ? declared : frameType;
                taskType = TASK_TYPE.matcher(candidate).matches() ? candidate : "unknown";
                payload = payloads.generic(frame);
            }
        }
        String own = text(frame, "request_id");
        String requestId = own != null && REQUEST_ID.matcher(own).matches()
                ? own
                : "legacy-"
                        + sha256(listKey + "\n" + position + "\n" + identity).substring(0, 24);
        TaskRequested task = TaskRequested.newBuilder()
                .setRequestId(requestId)
                .setLicenseKey(license)
                .setTaskType(taskType)
                .setPayload(payload)
                .setPriority(Priority.NORMAL)
                .setRequestedAt(requestedAt(frame, now))
                .setOrigin(new TaskOrigin(TaskChannel.OPS, NODE_ID, null, null))
                .build();
        return new Outcome(List.of(new Migrated(frameType, task)), null);
    }

    /** The list's license; for the global list the frame's {@code key}, else the operator's choice. */
    private static String license(String listKey, JsonNode frame, String globalLicense) {
        if (!GLOBAL.equals(listKey) && !listKey.isEmpty()) {
            return listKey;
        }
        String own = text(frame, "key");
        if (own != null) {
            return own;
        }
        return globalLicense;
    }

    /** The frame's {@code ts} (Unix seconds) when it has a plausible one: when the legacy system queued it. */
    private static Instant requestedAt(JsonNode frame, Instant now) {
        JsonNode ts = frame.get("ts");
        if (ts != null && ts.isIntegralNumber() && ts.asLong() > 1_000_000_000L && ts.asLong() < now.getEpochSecond()) {
            return Instant.ofEpochSecond(ts.asLong());
        }
        return now;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() && !value.asString().isBlank() ? value.asString() : null;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
