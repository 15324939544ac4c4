package io.dsp.gateway.automation;

import static io.dsp.gateway.protocol.FrameFields.copy;
import static io.dsp.gateway.protocol.FrameFields.text;

import io.dsp.core.legacy.LegacyTaskPayloads;
import io.dsp.gateway.client.ClientIntake;
import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.connection.Role;
import io.dsp.gateway.protocol.FrameFamily;
import io.dsp.gateway.protocol.FrameRoute;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import io.dsp.gateway.relay.Relay;
import io.dsp.gateway.relay.Replies;
import io.dsp.gateway.worker.WorkerBridge;
import io.dsp.schemas.avro.RelayTarget;
import io.dsp.schemas.trace.TraceContext;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Legacy automation tasks: {@code url} (JSON or a bare {@code http(s)://} text frame) and {@code chatglm_video} frames
 * become durable tasks of the automation lane ({@link io.dsp.schemas.topic.Lane#AUTOMATION}), run by one automation
 * worker ({@code ws_worker}) on any instance; the worker's {@code result} / {@code chatglm_video_result} frames are
 * recorded as the task's outcome and reach the sender in the legacy shapes.
 */
@Component
class AutomationFrames implements FrameFamily {

    private final WorkerBridge workers;
    private final ClientIntake intake;
    private final Relay relay;
    private final Replies replies;
    private final JsonMapper json;
    private final LegacyTaskPayloads payloads;

    AutomationFrames(WorkerBridge workers, ClientIntake intake, Relay relay, Replies replies, JsonMapper json) {
        this.workers = workers;
        this.intake = intake;
        this.relay = relay;
        this.replies = replies;
        this.json = json;
        this.payloads = new LegacyTaskPayloads(json);
    }

    @Override
    public List<FrameRoute> routes() {
        return List.of(
                task(MessageType.URL), task(MessageType.CHATGLM_VIDEO),
                result(MessageType.RESULT), result(MessageType.CHATGLM_VIDEO_RESULT));
    }

    private FrameRoute task(MessageType type) {
        return FrameRoute.requiring(type, Role.CLIENT, "仅已注册的客户端可发送 " + type.wireName(), this::task);
    }

    private FrameRoute result(MessageType type) {
        return FrameRoute.requiring(
                type, Role.WORKER, "仅 worker 可发送 " + type.wireName(), (from, t, frame) -> result(frame, from));
    }

    /**
     * A durable task of the automation lane: queued per license while no automation worker is online, released by the
     * dispatcher against automation capacity, run by one automation worker on any instance.
     */
    private void task(Connection from, MessageType type, JsonNode frame) {
        String requestId = text(frame, "request_id");
        ObjectNode payload = json.createObjectNode();
        if (type == MessageType.URL) {
            String url = text(frame, "url");
            if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                from.send(Frames.error("url 必须以 http:// 或 https:// 开头", requestId));
                return;
            }
            payload.put("url", url);
        } else {
            String content = text(frame, "content");
            if (content == null || content.isBlank()) {
                from.send(Frames.error("content 不能为空", requestId));
                return;
            }
            payload.put("content", content);
        }
        Map<String, Object> answer = intake.submitAutomation(
                from,
                type.wireName(),
                requestId,
                payloads.fromLegacyOrGeneric(type.wireName(), payload),
                text(frame, TraceContext.HEADER));
        if (!MessageType.ERROR.wireName().equals(answer.get("type"))) {
            relay.everywhere(
                    RelayTarget.MONITORS,
                    null,
                    Map.of("type", type.wireName(), "key", io.dsp.core.license.LicenseKeys.mask(from.key())));
        }
        from.send(answer);
    }

    /**
     * A result from an automation worker: recorded as the outcome of the task it answers (matched by the bridge), or,
     * when it answers none (a worker outside the lane, or a result after its task ended), delivered by key as the
     * legacy gateway did.
     */
    private void result(JsonNode frame, Connection from) {
        if (workers.automationResult(from, frame)) {
            return;
        }
        String key = text(frame, "key");
        if (key == null) {
            from.send(Frames.error("结果缺少 key", null));
            return;
        }
        Map<String, Object> out =
                copy(json, frame, "type", "request_id", "content", "video_url", "cover_url", "error", "error_msg");
        replies.toSenderOrLicense(key, frame.path("sender_fd").asLong(0), out);
    }
}
