package io.dsp.gateway.automation;

import static io.dsp.gateway.protocol.FrameFields.copy;
import static io.dsp.gateway.protocol.FrameFields.orDefault;
import static io.dsp.gateway.protocol.FrameFields.putIfSet;
import static io.dsp.gateway.protocol.FrameFields.text;

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
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Legacy automation tasks outside the fleet: {@code url} / {@code chatglm_video} frames go to one connected worker
 * that declared that type (a {@code ws_worker}), never to every worker, and its results back to the client.
 */
@Component
class AutomationFrames implements FrameFamily {

    private final WorkerBridge workers;
    private final Relay relay;
    private final Replies replies;
    private final JsonMapper json;
    private final Clock clock;

    AutomationFrames(WorkerBridge workers, Relay relay, Replies replies, JsonMapper json, Clock clock) {
        this.workers = workers;
        this.relay = relay;
        this.replies = replies;
        this.json = json;
        this.clock = clock;
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

    /** The GPU worker no longer receives these to answer "未知任务类型". */
    private void task(Connection from, MessageType type, JsonNode frame) {
        String requestId = text(frame, "request_id");
        Map<String, Object> out = Frames.of(type);
        if (type == MessageType.URL) {
            String url = text(frame, "url");
            if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                from.send(Frames.error("url 必须以 http:// 或 https:// 开头", requestId));
                return;
            }
            out.put("url", url);
            out.put("key", from.key());
        } else {
            out.put("content", orDefault(text(frame, "content"), ""));
            out.put("key", from.key());
            putIfSet(out, "request_id", requestId);
            out.put("sender_fd", from.fd());
        }
        relay.everywhere(RelayTarget.MONITORS, null, Map.of("type", type.wireName(), "key", from.key()));
        Optional<Connection> worker = workers.runnerOf(type.wireName());
        if (worker.isEmpty()) {
            Instant now = clock.instant();
            from.send(Frames.powerOffline(
                    orDefault(requestId, Frames.uniqueId("gpu_offline_", now)), null, "处理服务器未上线，请稍后重试", now));
            return;
        }
        worker.get().send(out);
        from.send(Frames.ack(requestId, null, "已提交"));
    }

    private void result(JsonNode frame, Connection from) {
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
