package io.dsp.gateway.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every message type of the legacy {@code /dsp} protocol, by its wire name (legacy spec section 2). */
public enum MessageType {
    CONNECTED("connected"),
    REGISTER("register"),
    REGISTERED("registered"),
    PING("ping"),
    PONG("pong"),
    ERROR("error"),
    ACK("ack"),
    KICKED("kicked"),
    GPU_JOB_SUBMIT("gpu.job.submit"),
    GPU_TASK("gpu_task"),
    GPU_JOB_RESULT("gpu.job.result"),
    GPU_TASK_RESULT("gpu_task_result"),
    GPU_JOB_DISPATCH_BATCH("gpu.job.dispatch.batch"),
    /** Extension: a client cancels its task; the gateway tells a legacy worker running it (which may ignore it). */
    GPU_JOB_CANCEL("gpu.job.cancel"),
    GPU_TASK_PROGRESS("gpu.task.progress"),
    GPU_TASK_ACTIVE("gpu.task.active"),
    GPU_POWER_ONLINE("gpu.power.online"),
    GPU_ONLINE("gpu_online"),
    GPU_POWER_OFFLINE("gpu.power.offline"),
    GPU_OFFLINE("gpu_offline"),
    GPU_POWER_BOOT("gpu.power.boot"),
    GPU_POWER_BOOT_RESULT("gpu.power.boot.result"),
    GPU_STATUS_QUERY("gpu.status.query"),
    GPU_STATUS_RESPONSE("gpu.status.response"),
    MOBILE_TASK("mobile_task"),
    MOBILE_TASK_RESULT("mobile_task_result"),
    SYNC("sync"),
    URL("url"),
    RESULT("result"),
    CHATGLM_VIDEO("chatglm_video"),
    CHATGLM_VIDEO_RESULT("chatglm_video_result");

    private static final Map<String, MessageType> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(MessageType::wireName, Function.identity()));

    private final String wireName;

    MessageType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<MessageType> fromWire(String name) {
        return Optional.ofNullable(BY_WIRE_NAME.get(name));
    }
}
