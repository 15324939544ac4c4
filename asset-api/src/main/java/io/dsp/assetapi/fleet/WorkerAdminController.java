package io.dsp.assetapi.fleet;

import io.dsp.assetapi.AssetApiSettings;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.web.ApiException;
import io.dsp.assetapi.web.ApiResponse;
import io.dsp.schemas.avro.WorkerAction;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.event.Presence;
import io.dsp.schemas.topic.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The fleet's admin API (admin token, {@code /admin/**}): every worker from the presence read model ({@code
 * dsp.workers}), and drain / undrain of one worker as a {@link WorkerCommand} on the compacted {@code
 * dsp.worker-commands} keyed by worker id, which the worker reads (also when it restarts). A draining worker takes no
 * new task and finishes what it runs; {@code empty: true} says it has nothing left ({@code draining} and
 * {@code in_flight} 0, as the worker itself reports).
 */
@RestController
class WorkerAdminController {

    static final String SOURCE = "asset-api admin";
    static final String UNKNOWN = "worker 不存在";
    private static final Logger log = LoggerFactory.getLogger(WorkerAdminController.class);

    private final ReadModels readModels;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final AssetApiSettings settings;
    private final Clock clock;

    WorkerAdminController(
            ReadModels readModels, KafkaTemplate<byte[], byte[]> kafka, AssetApiSettings settings, Clock clock) {
        this.readModels = readModels;
        this.kafka = kafka;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping("/admin/v1/workers")
    ApiResponse list() {
        Instant now = clock.instant();
        List<Map<String, Object>> workers = readModels.workers().stream()
                .filter(w -> w != null)
                .sorted(Comparator.comparing(WorkerPresence::getWorkerId))
                .map(w -> view(w, now))
                .toList();
        return ApiResponse.ok("ok", workers);
    }

    @GetMapping("/admin/v1/workers/{workerId}")
    ApiResponse read(@PathVariable String workerId) {
        return ApiResponse.ok("ok", view(existing(workerId), clock.instant()));
    }

    @PostMapping("/admin/v1/workers/{workerId}/drain")
    ResponseEntity<ApiResponse> drain(@PathVariable String workerId) {
        return command(workerId, WorkerAction.DRAIN, "已请求停止接单");
    }

    @PostMapping("/admin/v1/workers/{workerId}/undrain")
    ResponseEntity<ApiResponse> undrain(@PathVariable String workerId) {
        return command(workerId, WorkerAction.UNDRAIN, "已恢复接单");
    }

    private ResponseEntity<ApiResponse> command(String workerId, WorkerAction action, String message) {
        WorkerPresence worker = existing(workerId);
        Instant now = clock.instant();
        WorkerCommand command = WorkerCommand.newBuilder()
                .setWorkerId(worker.getWorkerId())
                .setAction(action)
                .setAt(now)
                .setSource(SOURCE)
                .build();
        try {
            kafka.send(Topics.WORKER_COMMANDS.record(worker.getWorkerId(), command))
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "命令提交失败，请稍后重试");
        } catch (ExecutionException | TimeoutException e) {
            log.error("could not send {} to worker {}: {}", action, workerId, e.toString());
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "命令提交失败，请稍后重试");
        }
        log.info("worker command {} sent to {}", action, workerId);
        Map<String, Object> data = view(worker, now);
        // The table shows the command a moment later; the answer says what was just asked.
        data.put("requested", name(action));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(ApiResponse.ok(message, data));
    }

    private WorkerPresence existing(String workerId) {
        return readModels.worker(workerId).orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, UNKNOWN));
    }

    private Map<String, Object> view(WorkerPresence w, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("worker_id", w.getWorkerId());
        data.put("kind", name(w.getKind()));
        data.put("lane", w.getLane());
        data.put("host", w.getHost());
        data.put("slots", w.getSlots());
        data.put("in_flight", w.getInFlight());
        data.put("draining", w.getDraining());
        data.put("live", Presence.isLive(w, now));
        data.put("empty", w.getDraining() && w.getInFlight() == 0);
        data.put(
                "requested",
                readModels
                        .workerCommand(w.getWorkerId())
                        .map(c -> name(c.getAction()))
                        .orElse(null));
        data.put("started_at", w.getStartedAt());
        data.put("heartbeat_at", w.getHeartbeatAt());
        return data;
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
