package io.dsp.assetapi.task;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dsp.assetapi.fleet.FleetStatus;
import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.limits.HighPriorityQuota;
import io.dsp.assetapi.limits.InFlightCaps;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.web.ApiException;
import io.dsp.assetapi.web.ApiResponse;
import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.avro.TaskRequested;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/v1/tasks} {@code {"task_type":"heygem_submit","payload":{...},"request_id":"..."}}: any registered
 * task type with its typed, validated payload, answered {@code 202} once Kafka holds the task.
 *
 * <p>Idempotency: a client key ({@code Idempotency-Key} header or {@code request_id}) names the task: its request id
 * is derived from the license and the key, so the same key from the same license always means the same task and two
 * licenses never collide. A repeat is answered with the first answer (header {@code Idempotent-Replayed: true}) and
 * writes nothing. The check reads the task-lives store (Kafka-backed, so it holds across restarts and instances, for
 * the 30-day retention of {@code dsp.task-events}); within an instance, repeats are serialised per key and a task
 * this instance just accepted counts before the store shows it. Left open: the same key sent to two instances within
 * the store's propagation delay (about 100 ms) can be accepted twice.
 */
@RestController
class TaskSubmitController {

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration RECENT = Duration.ofMinutes(1);

    private final TaskIntake intake;
    private final FleetStatus fleet;
    private final ReadModels readModels;
    /** Task types with a typed payload, by name. */
    private final Map<String, TypedTask> typed;

    private final TaskApiSettings settings;
    private final InFlightCaps caps;
    private final HighPriorityQuota highQuota;
    private final Clock clock;
    /** Tasks this instance accepted under a key that the store may not show yet, with when. */
    private final Map<String, Accepted> recent = new ConcurrentHashMap<>();

    private record Accepted(Map<String, Object> answer, Instant at) {}

    TaskSubmitController(
            TaskIntake intake,
            FleetStatus fleet,
            ReadModels readModels,
            List<TypedTask> typed,
            TaskApiSettings settings,
            InFlightCaps caps,
            HighPriorityQuota highQuota,
            Clock clock) {
        this.intake = intake;
        this.fleet = fleet;
        this.readModels = readModels;
        this.typed = typed.stream().collect(Collectors.toUnmodifiableMap(TypedTask::taskType, t -> t));
        this.settings = settings;
        this.caps = caps;
        this.highQuota = highQuota;
        this.clock = clock;
    }

    record Submission(
            @JsonProperty("task_type") String taskType,
            Map<String, Object> payload,
            @JsonProperty("request_id") String requestId,
            Object priority) {}

    @PostMapping("/api/v1/tasks")
    ResponseEntity<ApiResponse> submit(
            @RequestBody Submission submission,
            @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
            HttpServletRequest request)
            throws Exception {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        if (request.getContentLengthLong() > settings.maxBodySize().toBytes()) {
            throw new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "请求体过大");
        }
        if (submission.taskType() == null || submission.taskType().isBlank()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "缺少 task_type");
        }
        Map<String, Object> payload = submission.payload() == null ? Map.of() : submission.payload();
        Priority priority = Priorities.parse(submission.priority());
        String key = key(idempotencyKey, submission.requestId());
        String type = submission.taskType().strip();
        if (key == null) {
            return accepted(accept(license, type, payload, priority, null), false);
        }
        String requestId = "v1_" + derive(license.licenseKey(), key);
        Optional<Map<String, Object>> earlier = earlierAnswer(license, requestId);
        if (earlier.isPresent()) {
            return accepted(earlier.get(), true);
        }
        synchronized (lockFor(requestId)) {
            earlier = earlierAnswer(license, requestId);
            if (earlier.isPresent()) {
                return accepted(earlier.get(), true);
            }
            forgetOld();
            Map<String, Object> answer = accept(license, type, payload, priority, requestId);
            recent.put(requestId, new Accepted(answer, clock.instant()));
            return accepted(answer, false);
        }
    }

    private Map<String, Object> accept(
            AuthenticatedLicense license, String type, Map<String, Object> payload, Priority priority, String requestId)
            throws Exception {
        TypedTask typedTask = typed.get(type);
        Object taskPayload = payload(license, type, typedTask, payload);
        boolean online = fleet.anyWorkerOnline();
        TaskRequested task = caps.admit(license, type, () -> {
            // Counted only once everything else passed, so a refused submission never uses up the quota.
            highQuota.acquire(license, priority);
            return requestId == null
                    ? intake.submit(license, type, taskPayload, prefix(typedTask), priority, online)
                    : intake.submitAs(license, type, taskPayload, requestId, priority, online);
        });
        if (typedTask != null) {
            typedTask.accepted(taskPayload);
        }
        return answer(task.getRequestId(), type, priority, !online);
    }

    /** The typed payload of a registered type; a generic one only for configured types. */
    private Object payload(
            AuthenticatedLicense license, String type, TypedTask typedTask, Map<String, Object> payload) {
        if (typedTask != null) {
            return typedTask.payload(license, payload);
        }
        if (type.equals("upload_asset")) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "upload_asset 请使用 POST /api/asset/upload 上传文件");
        }
        if (!settings.genericTypes().contains(type)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "未知任务类型: " + type);
        }
        return new GenericPayload(JSON.writeValueAsString(payload));
    }

    private Optional<Map<String, Object>> earlierAnswer(AuthenticatedLicense license, String requestId) {
        Accepted mine = recent.get(requestId);
        if (mine != null) {
            return Optional.of(mine.answer());
        }
        return readModels
                .taskLife(requestId)
                // Derived from the license, so another license's task under this id cannot exist.
                .filter(life -> life.getLicenseKey().equals(license.licenseKey()))
                .map(TaskSubmitController::answerOf);
    }

    /** The first answer again, rebuilt from the task's recorded steps: QUEUED was recorded iff no GPU was online. */
    private static Map<String, Object> answerOf(TaskLife life) {
        boolean queued = life.getEvents().stream().anyMatch(e -> e.getType() == TaskEventType.QUEUED);
        Priority priority = life.getEvents().stream()
                .filter(e -> e.getType() == TaskEventType.ACCEPTED && e.getPriority() != null)
                .map(TaskEvent::getPriority)
                .findFirst()
                .orElse(Priority.NORMAL);
        return answer(life.getRequestId(), life.getTaskType(), priority, queued);
    }

    private static Map<String, Object> answer(String requestId, String type, Priority priority, boolean queued) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("request_id", requestId);
        data.put("task_type", type);
        data.put("priority", Priorities.name(priority));
        data.put("queued", queued);
        data.put("status_url", "/api/v1/tasks/" + requestId);
        return data;
    }

    private static ResponseEntity<ApiResponse> accepted(Map<String, Object> data, boolean replayed) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.ACCEPTED);
        if (replayed) {
            answer.header("Idempotent-Replayed", "true");
        }
        return answer.body(ApiResponse.ok((Boolean) data.get("queued") ? "已排队" : "已提交", data));
    }

    static String key(String header, String bodyRequestId) {
        String h = header == null || header.isBlank() ? null : header.strip();
        String b = bodyRequestId == null || bodyRequestId.isBlank() ? null : bodyRequestId.strip();
        if (h != null && b != null && !h.equals(b)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "Idempotency-Key 与 request_id 不一致");
        }
        String key = h != null ? h : b;
        if (key != null && !KEY.matcher(key).matches()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "request_id 须为 1-128 位字母、数字或 _.:-");
        }
        return key;
    }

    static String derive(String licenseKey, String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((licenseKey + "\n" + key).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String prefix(TypedTask typedTask) {
        return typedTask == null ? "task_" : typedTask.requestIdPrefix();
    }

    /** Striped locks: repeats of one key queue behind each other; unrelated keys rarely share a stripe. */
    private final Object[] stripes =
            java.util.stream.Stream.generate(Object::new).limit(64).toArray();

    private Object lockFor(String requestId) {
        return stripes[Math.floorMod(requestId.hashCode(), stripes.length)];
    }

    private void forgetOld() {
        Instant cutoff = clock.instant().minus(RECENT);
        recent.entrySet().removeIf(e -> e.getValue().at().isBefore(cutoff));
    }
}
