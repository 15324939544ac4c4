package io.dsp.assetapi.heygem;

import io.dsp.assetapi.fleet.FleetStatus;
import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.limits.HighPriorityQuota;
import io.dsp.assetapi.limits.InFlightCaps;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.result.TaskResults;
import io.dsp.assetapi.task.Priorities;
import io.dsp.assetapi.task.TaskIntake;
import io.dsp.assetapi.task.TaskView;
import io.dsp.assetapi.web.ApiException;
import io.dsp.assetapi.web.ApiResponse;
import io.dsp.assetapi.web.GpuPaths;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.avro.TaskRequested;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The legacy HeyGem calls of the API server (section 5.2): submit a synthesis by staged file hashes, poll its status
 * (now with real progress, {@code done}, the result and the error), and ask whether the fleet is online.
 */
@RestController
class HeyGemController {

    static final String TASK_TYPE = "heygem_submit";
    static final String QUEUED_MESSAGE = "GPU 服务器未上线，任务已排队，服务器启动后自动执行（约2分钟）";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TaskIntake intake;
    private final FleetStatus fleet;
    private final HeyGemInputs inputs;
    private final ReadModels readModels;
    private final InFlightCaps caps;
    private final HighPriorityQuota highQuota;
    private final BootTrigger boot;
    private final TaskResults results;

    HeyGemController(
            TaskIntake intake,
            FleetStatus fleet,
            HeyGemInputs inputs,
            ReadModels readModels,
            InFlightCaps caps,
            HighPriorityQuota highQuota,
            BootTrigger boot,
            TaskResults results) {
        this.intake = intake;
        this.fleet = fleet;
        this.inputs = inputs;
        this.readModels = readModels;
        this.caps = caps;
        this.highQuota = highQuota;
        this.boot = boot;
        this.results = results;
    }

    @PostMapping("/api/heygem/task/submit")
    ApiResponse submit(@RequestBody Map<String, Object> body, HttpServletRequest request) {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        Priority priority = Priorities.parse(body.get("priority"));
        HeyGemSubmitPayload payload = inputs.payload(body);
        boolean online = fleet.anyWorkerOnline();
        TaskRequested task = caps.admit(license, TASK_TYPE, () -> {
            highQuota.acquire(license, priority);
            return intake.submit(license, TASK_TYPE, payload, "heygem_", priority, online);
        });
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task_id", task.getRequestId());
        data.put("request_id", task.getRequestId());
        data.put("priority", Priorities.name(priority));
        if (online) {
            data.put("status", "submitted");
            data.put("msg", "任务已提交到 GPU 服务器");
            return ApiResponse.ok("已提交", data);
        }
        data.put("status", "queued");
        data.put("msg", QUEUED_MESSAGE);
        return ApiResponse.ok("已排队", data);
    }

    /**
     * The older apps' proxied submit (legacy protocol, section 5.2): the same task as {@code /api/heygem/task/submit},
     * answered flat: {@code {"code":0,"msg","task_id","request_id","status":"queued"|"processing"}}. Bad parameters
     * answer {@code {"code":-1,"msg":"参数错误"}}; a file not staged, a second synthesis while one is unfinished and the
     * high-priority quota their own messages; any other refusal {@code {"code":-1,"msg":"任务提交失败"}}. Each carries
     * its HTTP status, and nothing is queued.
     */
    @PostMapping("/api/heygem/task/proxy")
    ResponseEntity<Map<String, Object>> proxy(@RequestBody Map<String, Object> body, HttpServletRequest request) {
        Map<String, Object> answer = new LinkedHashMap<>();
        ApiResponse submitted;
        try {
            submitted = submit(body, request);
        } catch (ApiException e) {
            if (e.status() == HttpStatus.UNAUTHORIZED || e.status() == HttpStatus.FORBIDDEN) {
                throw e; // the license's own envelope, as on every other path
            }
            answer.put("code", -1);
            answer.put(
                    "msg",
                    switch (e.status()) {
                        case BAD_REQUEST -> "参数错误";
                        case NOT_FOUND, CONFLICT, TOO_MANY_REQUESTS -> e.getMessage();
                        default -> "任务提交失败";
                    });
            return ResponseEntity.status(e.status()).body(answer);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) submitted.data();
        boolean queued = "queued".equals(data.get("status"));
        answer.put("code", 0);
        answer.put("msg", queued ? "GPU 服务器离线，任务已排队" : "任务已提交");
        answer.put("task_id", data.get("task_id"));
        answer.put("request_id", data.get("request_id"));
        answer.put("status", queued ? "queued" : "processing");
        return ResponseEntity.ok(answer);
    }

    /**
     * The GPU server's own submit path (legacy protocol, section 4.3), for an app whose synthesis-server URL points at
     * the API: the same task as {@code /api/heygem/task/submit}, answered in the GPU server's shape
     * ({@code {"code":0,"msg":"任务已提交","data":{"task_id","queue"}}}; refusals with the HTTP status as {@code code}).
     */
    @PostMapping(GpuPaths.SUBMIT)
    Map<String, Object> gpuSubmit(@RequestBody Map<String, Object> body, HttpServletRequest request) {
        @SuppressWarnings("unchecked")
        Map<String, Object> submitted =
                (Map<String, Object>) submit(body, request).data();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task_id", submitted.get("task_id"));
        data.put("queue", queue());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("code", 0);
        answer.put("msg", "任务已提交");
        answer.put("data", data);
        return answer;
    }

    /**
     * The GPU server's health path, unauthenticated as there: {@code code} 0 with {@code initialized} at the top level
     * while some worker can take work, else {@code code} -1 (the apps then ask {@code /api/heygem/health/proxy}, which
     * also requests a boot).
     */
    @GetMapping(GpuPaths.HEALTH)
    Map<String, Object> gpuHealth() {
        Map<String, Object> answer = new LinkedHashMap<>();
        boolean online = fleet.anyWorkerOnline();
        answer.put("code", online ? 0 : -1);
        answer.put("msg", online ? "ok" : "GPU 服务器离线");
        answer.put("initialized", online);
        answer.put("queue", queue());
        return answer;
    }

    /** The fleet's side of the GPU server's {@code queue} object: how many tasks it can run at once. */
    private Map<String, Object> queue() {
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("max_concurrent", fleet.liveSlots());
        return queue;
    }

    /**
     * Legacy {@code {task_id, status, request_id, created_at}} plus {@code done}, {@code progress}, {@code message},
     * {@code result} / {@code result_url} and {@code error_msg}. Status uses the GPU server's words ({@code queued},
     * {@code processing}, {@code done}, {@code error}), which clients polling the GPU directly already understand.
     */
    @GetMapping("/api/heygem/task/status")
    ApiResponse status(@RequestParam(value = "task_id", required = false) String taskId, HttpServletRequest request) {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        if (taskId == null || taskId.isBlank()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "缺少 task_id");
        }
        TaskLife life = readModels
                .ownTaskLife(license.licenseKey(), taskId.strip())
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "任务不存在或已过期"));
        TaskView view = TaskView.of(life);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task_id", view.requestId());
        data.put("request_id", view.requestId());
        data.put("task_type", view.taskType());
        data.put("priority", view.priority());
        data.put("status", legacyStatus(view.status()));
        data.put("done", view.done());
        data.put("progress", "succeeded".equals(view.status()) ? Integer.valueOf(100) : view.progress());
        data.put("message", view.progressMessage());
        data.put("created_at", view.events().get(0).at().getEpochSecond());
        if (view.result() != null) {
            JsonNode result = JSON.readTree(view.result());
            data.put("result", result);
            data.put("result_url", results.resultUrl(life).orElseGet(() -> resultUrl(result)));
        }
        data.put("error_msg", view.errorMessage());
        return ApiResponse.ok("ok", data);
    }

    /**
     * Flat legacy shape: {@code {code, msg, initialized, gpu_status}}; {@code code} -1 while the fleet is offline, when a
     * boot is also requested from the power managers ({@link BootTrigger}, throttled). {@code boot_requested} says
     * whether this call sent one ({@code boot_request_id} names it).
     */
    @PostMapping("/api/heygem/health/proxy")
    Map<String, Object> health() {
        Map<String, Object> answer = new LinkedHashMap<>();
        if (fleet.anyWorkerOnline()) {
            answer.put("code", 0);
            answer.put("msg", "GPU 服务器在线");
            answer.put("initialized", true);
            answer.put("gpu_status", "online");
            answer.put("boot_requested", false);
        } else {
            Optional<String> bootRequest = boot.request();
            answer.put("code", -1);
            answer.put("msg", "GPU 服务器离线，正在启动...");
            answer.put("initialized", false);
            answer.put("gpu_status", "offline");
            answer.put("boot_requested", bootRequest.isPresent());
            bootRequest.ifPresent(id -> answer.put("boot_request_id", id));
        }
        return answer;
    }

    static String legacyStatus(String status) {
        return switch (status) {
            case "accepted", "queued", "dispatched" -> "queued";
            case "started", "progress" -> "processing";
            case "succeeded" -> "done";
            case "failed", "dead_lettered", "cancelled" -> "error";
            default -> status;
        };
    }

    private static String resultUrl(JsonNode result) {
        for (String field : new String[] {"result_url", "video_url", "download_url", "url"}) {
            if (result.path(field).isString()) {
                return result.path(field).asString();
            }
        }
        return null;
    }
}
