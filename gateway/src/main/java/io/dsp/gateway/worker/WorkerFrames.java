package io.dsp.gateway.worker;

import static io.dsp.gateway.protocol.FrameFields.copy;
import static io.dsp.gateway.protocol.FrameFields.orDefault;
import static io.dsp.gateway.protocol.FrameFields.text;

import io.dsp.gateway.connection.Role;
import io.dsp.gateway.protocol.FrameFamily;
import io.dsp.gateway.protocol.FrameRoute;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import io.dsp.gateway.relay.Relay;
import io.dsp.gateway.relay.Replies;
import io.dsp.schemas.avro.RelayTarget;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What a registered legacy worker reports: results and progress of the tasks its slots hold, and its active task. */
@Component
class WorkerFrames implements FrameFamily {

    private final WorkerBridge workers;
    private final Relay relay;
    private final Replies replies;
    private final JsonMapper json;
    private final Clock clock;

    WorkerFrames(WorkerBridge workers, Relay relay, Replies replies, JsonMapper json, Clock clock) {
        this.workers = workers;
        this.relay = relay;
        this.replies = replies;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public List<FrameRoute> routes() {
        FrameRoute.Handler result = (from, type, frame) -> workers.result(from, frame)
                .ifPresent(error -> from.send(Frames.error(error, text(frame, "request_id"))));
        return List.of(
                FrameRoute.requiring(MessageType.GPU_JOB_RESULT, Role.WORKER, "仅 worker 可发送任务结果", result),
                FrameRoute.requiring(MessageType.GPU_TASK_RESULT, Role.WORKER, "仅 worker 可发送任务结果", result),
                FrameRoute.requiring(
                        MessageType.GPU_TASK_PROGRESS, Role.WORKER, "仅 worker 可发送任务进度", (from, type, frame) -> {
                            if (workers.progress(from, frame).isEmpty()) {
                                relayUnknownProgress(frame);
                            }
                        }),
                FrameRoute.requiring(
                        MessageType.GPU_TASK_ACTIVE,
                        Role.WORKER,
                        "仅 worker 可发送 gpu.task.active",
                        (from, type, frame) -> relay.everywhere(
                                RelayTarget.MONITORS,
                                null,
                                Frames.taskActive(
                                        orDefault(text(frame, "task_id"), ""),
                                        orDefault(text(frame, "task_type"), "unknown"),
                                        clock.instant()))));
    }

    /** A task progress the fleet does not know (the GPU got it over HTTP directly): relayed by key, as guessed before. */
    private void relayUnknownProgress(JsonNode frame) {
        String key = text(frame, "key");
        if (key == null) {
            return;
        }
        Map<String, Object> out = copy(
                json,
                frame,
                "type",
                "task_id",
                "status",
                "progress",
                "message",
                "error",
                "total_frames",
                "current_frame",
                "ts");
        replies.toSenderOrLicense(key, frame.path("sender_fd").asLong(0), out);
    }
}
