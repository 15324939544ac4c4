package io.dsp.assetapi.task;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.readmodel.TaskChanges;
import io.dsp.assetapi.result.TaskResults;
import io.dsp.assetapi.web.ApiException;
import io.dsp.assetapi.web.ApiResponse;
import io.dsp.core.intake.ClientRequestIds;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.event.OutcomeFence;
import io.dsp.schemas.event.TaskEvents;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/tasks/{request_id}}: the whole life of one of the caller's tasks; with {@code ?wait=N} (up to
 * {@value #MAX_WAIT_SECONDS} s) the answer waits for the next change. {@code GET /api/v1/tasks/{request_id}/events}
 * streams every step as Server-Sent Events (event id = the step's {@code eventId}), resuming after {@code
 * Last-Event-ID}, and ends after the terminal step.
 */
@RestController
class TaskStatusController {

    static final String NOT_FOUND = "任务不存在或已过期";
    static final int MAX_WAIT_SECONDS = 60;
    /** An event stream is closed after this long even if the task is still running; the client resumes. */
    static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

    private final ReadModels readModels;
    private final TaskChanges changes;
    private final CancelRequests cancels;
    private final WaitEstimates estimates;
    private final TaskResults results;

    TaskStatusController(
            ReadModels readModels,
            TaskChanges changes,
            CancelRequests cancels,
            WaitEstimates estimates,
            TaskResults results) {
        this.readModels = readModels;
        this.changes = changes;
        this.cancels = cancels;
        this.estimates = estimates;
        this.results = results;
    }

    @GetMapping("/api/v1/tasks/{requestId}")
    ApiResponse status(@PathVariable String requestId, HttpServletRequest request) {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        return mine(requestId, license)
                .map(life -> ApiResponse.ok("ok", view(life)))
                .orElseThrow(TaskStatusController::notFound);
    }

    /**
     * The long poll: answered by the task's next change (another step, or the task appearing), at once for a finished
     * task, else with its state (or 404) at the deadline.
     */
    @GetMapping(value = "/api/v1/tasks/{requestId}", params = "wait")
    DeferredResult<ResponseEntity<ApiResponse>> awaitChange(
            @PathVariable String requestId, @RequestParam("wait") int wait, HttpServletRequest request) {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        if (wait < 0 || wait > MAX_WAIT_SECONDS) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "wait 须为 0-" + MAX_WAIT_SECONDS + " 秒");
        }
        DeferredResult<ResponseEntity<ApiResponse>> answer = new DeferredResult<>(wait * 1000L + 1000);
        // Listen before reading, so a change between the two is not missed.
        AutoCloseable listening = changes.listen(readModels.ownTaskId(license.licenseKey(), requestId), life -> {
            if (life.getLicenseKey().equals(license.licenseKey())) {
                answer.setResult(ok(life));
            }
        });
        answer.onCompletion(() -> close(listening));
        answer.onTimeout(() -> answer.setResult(
                mine(requestId, license).map(this::ok).orElseGet(TaskStatusController::notFoundAnswer)));
        Optional<TaskLife> now = mine(requestId, license);
        if (wait == 0 || now.filter(TaskStatusController::isDone).isPresent()) {
            answer.setResult(now.map(this::ok).orElseGet(TaskStatusController::notFoundAnswer));
        }
        return answer;
    }

    @GetMapping(value = "/api/v1/tasks/{requestId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(
            @PathVariable String requestId,
            @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId,
            HttpServletRequest request) {
        AuthenticatedLicense license = AuthenticatedLicense.of(request);
        TaskLife life = mine(requestId, license).orElseThrow(TaskStatusController::notFound);
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        EventStream stream = new EventStream(emitter, life, lastEventId);
        AutoCloseable listening = changes.listen(life.getRequestId(), stream::send);
        emitter.onCompletion(() -> close(listening));
        emitter.onTimeout(() -> close(listening));
        emitter.onError(e -> close(listening));
        stream.send(life);
        // A step may have landed between the first read and listening.
        mine(requestId, license).ifPresent(stream::send);
        return emitter;
    }

    /** One client's stream: sends each step once, in arrival order, and ends after the terminal one. */
    private static final class EventStream {

        private final SseEmitter emitter;
        private final Set<String> sent = new HashSet<>();
        private boolean finished;

        EventStream(SseEmitter emitter, TaskLife life, String lastEventId) {
            this.emitter = emitter;
            if (lastEventId != null) {
                // Everything up to the last step the client saw counts as sent. An unknown id (a pruned progress
                // step) replays the whole life; clients drop steps by id.
                int last = -1;
                for (int i = 0; i < life.getEvents().size(); i++) {
                    if (life.getEvents().get(i).getEventId().equals(lastEventId)) {
                        last = i;
                    }
                }
                for (int i = 0; i <= last; i++) {
                    sent.add(life.getEvents().get(i).getEventId());
                }
            }
        }

        synchronized void send(TaskLife life) {
            if (finished) {
                return;
            }
            try {
                for (TaskEvent event : life.getEvents()) {
                    if (sent.add(event.getEventId())) {
                        emitter.send(SseEmitter.event()
                                .id(event.getEventId())
                                .name(event.getType().name().toLowerCase(Locale.ROOT))
                                .data(step(event), MediaType.APPLICATION_JSON));
                    }
                }
                if (isDone(life)) {
                    finished = true;
                    emitter.complete();
                }
            } catch (IOException | IllegalStateException e) {
                // The client went away: stop sending; completion callbacks stop listening.
                finished = true;
                emitter.completeWithError(e);
            }
        }
    }

    static Map<String, Object> step(TaskEvent event) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("event_id", event.getEventId());
        step.put("request_id", ClientRequestIds.shown(event.getLicenseKey(), event.getRequestId()));
        step.put("type", event.getType().name().toLowerCase(Locale.ROOT));
        step.put("at", event.getAt().toString());
        step.put("source", event.getSource());
        step.put("worker_id", event.getWorkerId());
        step.put("delivery_count", event.getDeliveryCount());
        if (event.getProgress() != null) {
            step.put("progress", event.getProgress().getPercent());
            step.put("progress_message", event.getProgress().getMessage());
        }
        step.put("result", event.getResultJson());
        step.put("error_msg", event.getError() == null ? null : event.getError().getMessage());
        step.put("done", TaskEvents.isTerminal(event.getType()));
        return step;
    }

    private Optional<TaskLife> mine(String requestId, AuthenticatedLicense license) {
        // Another license's task is answered exactly like a missing one, so ids cannot be probed.
        return readModels.ownTaskLife(license.licenseKey(), requestId);
    }

    private static boolean isDone(TaskLife life) {
        return OutcomeFence.outcome(life.getEvents()).isPresent();
    }

    private ResponseEntity<ApiResponse> ok(TaskLife life) {
        return ResponseEntity.ok(ApiResponse.ok("ok", view(life)));
    }

    /** The task with its place in the queue (the dispatcher's queue facts) and its estimated wait. */
    private TaskView view(TaskLife life) {
        TaskView view = TaskView.of(life, readModels.queueFacts(life.getLicenseKey()))
                .withCancelRequested(cancels.requested(life.getRequestId()))
                .withResultUrl(results.resultUrl(life).orElse(null));
        return view.withEstimatedWait(estimates.secondsFor(view));
    }

    private static ApiException notFound() {
        return new ApiException(HttpStatus.NOT_FOUND, NOT_FOUND);
    }

    private static ResponseEntity<ApiResponse> notFoundAnswer() {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ApiResponse.fail(404, NOT_FOUND));
    }

    private static void close(AutoCloseable listening) {
        try {
            listening.close();
        } catch (Exception e) {
            // Removing a listener cannot fail in practice.
        }
    }
}
