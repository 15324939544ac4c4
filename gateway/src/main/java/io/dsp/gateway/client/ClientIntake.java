package io.dsp.gateway.client;

import io.dsp.core.intake.ClientRequestIds;
import io.dsp.core.intake.IntakeProducer;
import io.dsp.core.intake.TaskSubmission;
import io.dsp.core.legacy.LegacyLog;
import io.dsp.core.legacy.LegacyTaskPayloads;
import io.dsp.core.license.LicenseKeys;
import io.dsp.core.license.QuotaLimiter;
import io.dsp.core.license.QuotaLimiter.Quota;
import io.dsp.gateway.GatewayNode;
import io.dsp.gateway.GatewaySettings;
import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.fleet.FleetWatch;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.routing.Origins;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskAction;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client's {@code gpu.job.submit} / {@code gpu_task}: the task goes to its license's task topic (created on first
 * use) with an {@code ACCEPTED} step (and {@code QUEUED} while no GPU is online), and only once Kafka has both is the
 * client answered: {@code ack} with a worker online, {@code gpu.power.offline} without. Nothing is capped or dropped:
 * the dispatcher releases queued tasks as soon as workers have room.
 */
@Component
public class ClientIntake {

    private static final Logger log = LoggerFactory.getLogger(ClientIntake.class);
    private static final String SOURCE = "gateway";
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern TASK_TYPE = Pattern.compile("[a-z0-9_.]{1,64}");
    /** The answer when the task's commit went unanswered: it may run, so it is not called failed (ADR 019). */
    static final String UNCONFIRMED_TEXT = "任务已提交，尚未确认：请稍后查询任务状态，勿重复提交";

    static final String CANCEL_REQUESTED_TEXT = "已请求取消";
    static final String HIGH_PRIORITY_REFUSED_TEXT = "高优先级任务提交过于频繁，请稍后重试或使用普通优先级";
    private static final Map<String, Priority> PRIORITIES = Map.of("normal", Priority.NORMAL, "high", Priority.HIGH);

    private final KafkaTemplate<byte[], byte[]> kafka;
    private final IntakeProducer intake;
    private final TopicProvisioner topics;
    private final GatewaySettings settings;
    private final GatewayNode node;
    private final FleetWatch fleet;
    private final Origins origins;
    private final LegacyTaskPayloads payloads;
    private final Clock clock;
    private final MeterRegistry meters;
    private final QuotaLimiter quotas;
    private final HighPriorityQuotaSettings highPriority;
    private final InFlightGuard guard;

    ClientIntake(
            KafkaTemplate<byte[], byte[]> kafka,
            IntakeProducer intake,
            TopicProvisioner topics,
            GatewaySettings settings,
            GatewayNode node,
            FleetWatch fleet,
            Origins origins,
            JsonMapper json,
            Clock clock,
            MeterRegistry meters,
            QuotaLimiter quotas,
            HighPriorityQuotaSettings highPriority,
            InFlightGuard guard) {
        this.guard = guard;
        this.kafka = kafka;
        this.intake = intake;
        this.topics = topics;
        this.settings = settings;
        this.node = node;
        this.fleet = fleet;
        this.origins = origins;
        this.payloads = new LegacyTaskPayloads(json);
        this.clock = clock;
        this.meters = meters;
        this.quotas = quotas;
        this.highPriority = highPriority;
    }

    /** Accepts one task from a registered client and returns the frame to answer with. */
    public Map<String, Object> submit(Connection client, JsonNode frame) {
        String requestId = text(frame, "request_id");
        if (requestId != null && !REQUEST_ID.matcher(requestId).matches()) {
            return Frames.error("request_id 只能包含字母、数字和 ._:-，最长128个字符", null);
        }
        String taskType = text(frame, "task_type");
        if (taskType == null || !TASK_TYPE.matcher(taskType).matches()) {
            return Frames.error("缺少或无效的 task_type", requestId);
        }
        JsonNode payloadNode = frame.get("payload");
        if (payloadNode != null && !payloadNode.isNull() && !payloadNode.isObject()) {
            return Frames.error("payload 必须是 JSON 对象", requestId);
        }
        JsonNode priorityNode = frame.get("priority");
        Priority priority = Priority.NORMAL;
        if (priorityNode != null && !priorityNode.isNull()) {
            String value = priorityNode.isString() ? priorityNode.asString().toLowerCase(Locale.ROOT) : "";
            if (!PRIORITIES.containsKey(value)) {
                return Frames.error("priority 只能是 high 或 normal", requestId);
            }
            priority = PRIORITIES.get(value);
        }
        Object payload;
        try {
            payload = payloads.fromLegacy(taskType, payloadNode);
        } catch (IllegalArgumentException e) {
            return Frames.error(e.getMessage(), requestId);
        }
        // Counted only for a submission that is otherwise valid, as asset-api does.
        if (priority == Priority.HIGH
                && !quotas.tryAcquire(
                        Quota.HIGH_PRIORITY, client.key(), highPriority.perWindow(), highPriority.window())) {
            return Frames.error(HIGH_PRIORITY_REFUSED_TEXT, requestId);
        }
        return accept(client, requestId, taskType, payload, priority, text(frame, TraceContext.HEADER), null);
    }

    /**
     * A legacy {@code url} / {@code chatglm_video} frame: a durable task of the automation lane, queued per license while
     * no automation worker is online (never refused for that), answered {@code ack} with one online and
     * {@code gpu.power.offline} without, as the legacy gateway did.
     *
     * @param payload the task's payload ({@code {"url":...}} or {@code {"content":...}})
     */
    public Map<String, Object> submitAutomation(
            Connection client, String taskType, String requestId, Object payload, String traceparent) {
        if (requestId != null && !REQUEST_ID.matcher(requestId).matches()) {
            return Frames.error("request_id 只能包含字母、数字和 ._:-，最长128个字符", null);
        }
        return accept(client, requestId, taskType, payload, Priority.NORMAL, traceparent, AUTOMATION_OFFLINE_TEXT);
    }

    /** What a client is told when its automation task was accepted with an automation worker online (legacy words). */
    static final String AUTOMATION_SUBMITTED_TEXT = "已提交";

    /** What a client is told when its automation task waits for an automation worker (the legacy words). */
    static final String AUTOMATION_OFFLINE_TEXT = "处理服务器未上线，任务已排队，上线后自动处理";

    private Map<String, Object> accept(
            Connection client,
            String requestId,
            String taskType,
            Object payload,
            Priority priority,
            String traceparent,
            String offlineText) {
        Instant now = clock.instant();
        boolean automation = Lane.of(taskType) == Lane.AUTOMATION;
        // A request id the client chose is scoped to its license inside the system; the client keeps seeing its own.
        TaskRequested task = TaskSubmission.task(
                requestId != null
                        ? ClientRequestIds.scoped(client.key(), requestId)
                        : Frames.uniqueId(automation ? "at_" : "gt_", now),
                client.key(),
                taskType,
                payload,
                priority,
                new TaskOrigin(TaskChannel.WEBSOCKET, node.id(), String.valueOf(client.fd()), client.deviceType()),
                now);
        String shown = ClientRequestIds.shown(client.key(), task.getRequestId());
        Optional<Map<String, Object>> refused = guard.admit(client.key(), taskType, task.getRequestId(), shown);
        if (refused.isPresent()) {
            return refused.get();
        }
        boolean online = automation ? fleet.isAutomationOnline() : fleet.isOnline();
        origins.remember(task);
        // The caller's trace (a traceparent field of the frame) is continued, or one is started for this task.
        TraceContext trace = TraceContext.continueOrStart(traceparent);
        try {
            intake.send(TaskSubmission.accepted(task, SOURCE, now, !online, trace), topics, settings.sendTimeout());
        } catch (TaskSubmission.Unconfirmed e) {
            // Not "failed": the task may run. The client asks for its status before sending it again.
            log.warn("requestId={} sent, not confirmed: {}", task.getRequestId(), e.toString());
            return Frames.error(UNCONFIRMED_TEXT, shown);
        } catch (KafkaException e) {
            guard.withdraw(task.getRequestId());
            log.error("could not queue requestId={}: {}", task.getRequestId(), e.toString());
            return Frames.error("任务提交失败，请稍后重试", shown);
        }
        Counter.builder(MetricNames.TASKS_ACCEPTED)
                .tag(MetricNames.TAG_TASK_TYPE, task.getTaskType())
                .tag(MetricNames.TAG_SOURCE, SOURCE)
                .register(meters)
                .increment();
        MDC.put("request_id", task.getRequestId());
        MDC.put("license", LicenseKeys.mask(client.key()));
        MDC.put("trace_id", trace.traceId());
        try {
            log.info(
                    "accepted requestId={} taskType={} priority={} from fd={} online={}",
                    task.getRequestId(),
                    taskType,
                    priority,
                    client.fd(),
                    online);
            if (!online) {
                LegacyLog.taskQueued(client.key(), task.getTaskType(), task.getRequestId());
            }
        } finally {
            MDC.remove("request_id");
            MDC.remove("license");
            MDC.remove("trace_id");
        }
        if (automation) {
            return online
                    ? Frames.ack(shown, null, AUTOMATION_SUBMITTED_TEXT)
                    : Frames.powerOffline(shown, null, offlineText, now);
        }
        return online
                ? Frames.ack(shown, taskType, Frames.SUBMITTED_TEXT)
                : Frames.powerOffline(shown, taskType, Frames.OFFLINE_QUEUED_TEXT, now);
    }

    /**
     * A client's {@code gpu.job.cancel} (extension): a {@code TaskControl} CANCEL on {@code dsp.task-control}, which
     * whoever holds the task acts on (the dispatcher skips a waiting task; the worker or the gateway slot running it
     * stops it), answered with an {@code ack} once Kafka has it. Only the owning license may cancel: a task this
     * instance knows to be another license's is refused here, and every actor checks the license again.
     */
    public Map<String, Object> cancel(Connection client, JsonNode frame) {
        String requestId = text(frame, "request_id");
        if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
            return Frames.error("取消需要有效的 request_id", null);
        }
        // The client names its task by the id it knows: its own choice (scoped inside the system, ADR 015) or one the
        // system generated (raw). Both are asked for, with this license's key: every actor that holds a task checks
        // that key, so the one that is not this license's task changes nothing. A raw id this instance knows to be
        // another license's is not asked for at all.
        String clientId = requestId;
        boolean foreignRaw = origins.owner(clientId)
                .filter(owner -> !owner.equals(client.key()))
                .isPresent();
        List<String> ids = foreignRaw
                ? List.of(ClientRequestIds.scoped(client.key(), clientId))
                : List.of(ClientRequestIds.scoped(client.key(), clientId), clientId);
        Instant now = clock.instant();
        TraceContext trace = TraceContext.continueOrStart(text(frame, TraceContext.HEADER));
        try {
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (String id : ids) {
                TaskControl control = TaskControl.newBuilder()
                        .setCommandId(java.util.UUID.randomUUID().toString())
                        .setRequestId(id)
                        .setLicenseKey(client.key())
                        .setAction(TaskAction.CANCEL)
                        .setAt(now)
                        .setSource(SOURCE)
                        .setReason(text(frame, "reason"))
                        .build();
                sends.add(kafka.send(traced(Topics.TASK_CONTROL.record(id, control), trace)));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Frames.error("取消请求失败，请稍后重试", clientId);
        } catch (Exception e) {
            log.error("could not publish the cancellation of requestId={}: {}", clientId, e.toString());
            return Frames.error("取消请求失败，请稍后重试", clientId);
        }
        MDC.put("request_id", clientId);
        MDC.put("license", LicenseKeys.mask(client.key()));
        MDC.put("trace_id", trace.traceId());
        try {
            log.info("cancel requested requestId={} from fd={}", clientId, client.fd());
        } finally {
            MDC.remove("request_id");
            MDC.remove("license");
            MDC.remove("trace_id");
        }
        return Frames.ack(clientId, null, CANCEL_REQUESTED_TEXT);
    }

    private static ProducerRecord<byte[], byte[]> traced(ProducerRecord<byte[], byte[]> record, TraceContext trace) {
        trace.writeTo(record.headers());
        return record;
    }

    private static String text(JsonNode frame, String field) {
        JsonNode node = frame.get(field);
        return node != null && node.isString() && !node.asString().isBlank() ? node.asString() : null;
    }
}
