package io.dsp.gateway;

import io.dsp.core.slot.TaskTypeDeadlines;
import io.dsp.schemas.topic.Groups;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of one gateway instance.
 *
 * @param nodeId instance name in task origins, presence and logs; blank (default) means {@code gateway-<random>}, new
 *     per start
 * @param nodeNumber 1-9999, the prefix of every connection number ({@code fd = nodeNumber * 10^7 + n}) so that
 *     {@code sender_fd} values are unique across instances; 0 (default) takes the next number of the Redis counter
 *     {@code dsp:gateway:node-seq} when Redis is configured (unique among the last 9999 starts), else a random one per
 *     start (set distinct numbers when running several instances without Redis)
 * @param maxFrameBytes largest text frame accepted, in bytes; default 65536 (64 KiB); larger frames get an error
 * @param maxConnections open connections allowed at once; default 20000; further connections are refused
 * @param maxMessagesPerSecond frames one connection may send in any one-second span; default 50; the excess gets an error frame
 * @param heartbeatInterval how often the gateway pings every connection (JSON {@code ping} to workers, WebSocket pings
 *     to others); default 25 s
 * @param idleTimeout a connection that sent nothing (not even a pong) for this long is closed; default 90 s
 * @param workerSlots tasks a legacy worker runs at once unless its register frame declares {@code slots}; default 3,
 *     as the legacy GPU server's {@code max_concurrent}
 * @param maxWorkerSlots most slots a worker may declare; default 16
 * @param workerTaskTypes task types a legacy worker runs unless its register frame declares {@code task_types};
 *     default delete_asset, upload_asset, heygem_submit
 * @param workerToken when not blank, a worker must register with {@code "token": <this>}; default blank (legacy
 *     workers send no secret)
 * @param acceptObservers whether a client {@code register} whose key is no license at all (the PC boot helper's
 *     {@code gradio_client} or HeyGem API secret) is accepted as an observer that hears only the GPU's power and status
 *     broadcasts; default true, because the unchanged helper waits 600 s for them otherwise. A lapsed license is
 *     refused either way
 * @param validateLicenses whether a client's {@code register} key must be an active license of {@code dsp.licenses};
 *     default true (set false for the legacy behaviour of accepting any key)
 * @param taskTimeout longest wait for a legacy worker's result before the task is failed ({@code TIMEOUT}), for a task
 *     type not in {@code taskTimeouts}; default 1 h
 * @param taskTimeouts longest wait by task type, on top of the built-in ones, which native workers use as their
 *     deadlines too: {@code delete_asset} 5 min, {@code upload_asset} 30 min, {@code heygem_submit} 2 h (from the
 *     hand-over to the video). The built-in ones apply only while {@code taskTimeout} keeps its default (1 h), so an
 *     operator's {@code task-timeout} from before still applies to every type. A task handed again to the same {@code ws_client.py} process after its socket dropped is
 *     dropped there without an answer (spec 2.9), so this is how long such a delete waits before it ends
 * @param lockRenewInterval how often a running task's share-group lock is renewed; default 10 s (well inside the
 *     broker's default 30 s lock); at most a third of the group's lock is used, whatever is set
 * @param presenceInterval how often a connected legacy worker's presence is published; default 5 s
 * @param activeNoticeInterval how often monitors get {@code gpu.task.active} while tasks run; default 25 s (the power
 *     manager's idle timer must be reset at least every 30 s)
 * @param deliveryCountLimit the broker's {@code group.share.delivery.count.limit} (2-10, default 5): a task whose
 *     worker vanishes on this delivery is dead-lettered by the gateway, because the broker would archive it silently
 * @param pollTimeout longest wait in one share poll of a slot; default 100 ms. Short, because a poll that acquires a
 *     transaction marker of {@code dsp.dispatch} returns empty only after this wait, and the dispatcher commits a
 *     transaction per release (issue 18: 500 ms put about 1 s between release and start under load)
 * @param sendTimeout how long a client's submit waits for Kafka; default 10 s
 * @param openAttemptWait how long a slot holds a task whose attempt on another worker is still open (started, no
 *     outcome) before handing it to its legacy worker: a broker restart hands a task on while the worker that ran it is
 *     still reporting; a worker that died never reports, so its tasks run this much later; default 10 s
 * @param quarantineAfter how many earlier attempts of one task may have ended with their worker gone mid-task (started,
 *     no outcome, no release: a legacy worker that disconnected, a native one that died) before the task is suspect:
 *     dead-lettered with reason {@code KILLS_WORKERS} when the latest of them ran alone on its worker, else handed to
 *     its legacy worker alone (ADR 038) (1-9, default 2, as gpu-consumer's)
 * @param fetchMaxWait longest a slot's share fetch waits at the broker for a record ({@code fetch.max.wait.ms}), 1 ms
 *     to 500 ms; default 50 ms, as gpu-consumer's ({@link Groups#SLOT_FETCH_MAX_WAIT_MS}). A lease's confirmation
 *     after STARTED, which comes before the task frame, gets its record back only with the next fetch (ADR 023):
 *     longer waits mean fewer empty fetches from idle slots and a slower hand-over
 * @param shutdownTimeout how long a stopping gateway lets the tasks its legacy slots hold end before it withdraws their
 *     workers: its workers take nothing new, a result that comes in meanwhile is recorded, what is still held then
 *     goes back to the fleet; default 20 s, as gpu-consumer's. A slot still recording an outcome its worker reached
 *     (the broker unreachable) then keeps it under {@code <dsp.data-dir>/outcome-journal/}, and the next start records
 *     it before any slot takes a task (ADR 032)
 */
@Validated
@ConfigurationProperties("dsp.gateway")
public record GatewaySettings(
        @DefaultValue("") String nodeId,
        @Min(0) @Max(9999) @DefaultValue("0") int nodeNumber,
        @Min(1024) @DefaultValue("65536") int maxFrameBytes,
        @Min(1) @DefaultValue("20000") int maxConnections,
        @Min(1) @DefaultValue("50") int maxMessagesPerSecond,
        @NotNull @DefaultValue("25s") Duration heartbeatInterval,
        @NotNull @DefaultValue("90s") Duration idleTimeout,
        @Min(1) @Max(64) @DefaultValue("3") int workerSlots,
        @Min(1) @Max(64) @DefaultValue("16") int maxWorkerSlots,

        @NotEmpty @DefaultValue({"delete_asset", "upload_asset", "heygem_submit"})
        List<String> workerTaskTypes,

        @DefaultValue("") String workerToken,
        @DefaultValue("true") boolean acceptObservers,
        @DefaultValue("true") boolean validateLicenses,
        @NotNull @DefaultValue("1h") Duration taskTimeout,
        @DefaultValue Map<String, Duration> taskTimeouts,
        @NotNull @DefaultValue("10s") Duration lockRenewInterval,
        @NotNull @DefaultValue("5s") Duration presenceInterval,
        @NotNull @DefaultValue("25s") Duration activeNoticeInterval,
        @Min(2) @Max(10) @DefaultValue("5") int deliveryCountLimit,
        @NotNull @DefaultValue("100ms") Duration pollTimeout,
        @NotNull @DefaultValue("10s") Duration sendTimeout,
        @NotNull @DefaultValue("10s") Duration openAttemptWait,
        @Min(1) @Max(9) @DefaultValue("2") int quarantineAfter,

        @NotNull @DurationMin(millis = 1) @DurationMax(millis = 500) @DefaultValue("50ms")
        Duration fetchMaxWait,

        @NotNull @DurationMin(millis = 0) @DefaultValue("20s")
        Duration shutdownTimeout) {

    public GatewaySettings {
        taskTimeouts = taskDeadlines(taskTimeout, taskTimeouts).types(); // refused at start when one is not positive
    }

    /** How long a slot waits for its legacy worker's result, by task type. */
    public TaskTypeDeadlines taskDeadlines() {
        return taskDeadlines(taskTimeout, taskTimeouts);
    }

    /**
     * The built-in timeouts by type apply while {@code task-timeout} keeps its default: an operator who set it before
     * there were timeouts by type keeps that one wait for every type, as before.
     */
    private static TaskTypeDeadlines taskDeadlines(Duration fallback, Map<String, Duration> byType) {
        return TaskTypeDeadlines.of(
                fallback,
                DEFAULT_TASK_TIMEOUT.equals(fallback) ? TaskTypeDeadlines.BUILT_IN : Map.of(),
                byType,
                "dsp.gateway.task-timeout",
                "dsp.gateway.task-timeouts");
    }

    /** {@code task-timeout}'s default. */
    static final Duration DEFAULT_TASK_TIMEOUT = Duration.ofHours(1);
}
