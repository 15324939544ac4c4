package io.dsp.assetapi.task;

import io.dsp.assetapi.AssetApiSettings;
import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.observe.RequestContext;
import io.dsp.assetapi.web.ApiException;
import io.dsp.core.intake.ClientRequestIds;
import io.dsp.core.intake.IntakeProducer;
import io.dsp.core.intake.TaskSubmission;
import io.dsp.core.legacy.LegacyLog;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.topic.TopicProvisioner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Accepts a task for a license: writes it to the license's task topic (created on first use) and records its
 * {@code ACCEPTED} (and, with no GPU online, {@code QUEUED}) step in {@code dsp.task-events}. The caller is answered
 * only after Kafka has both, so an accepted task is never lost.
 */
@Component
public class TaskIntake {

    private static final Logger log = LoggerFactory.getLogger(TaskIntake.class);
    private static final String SOURCE = "asset-api";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The edge's transactional intake template ({@link IntakeProducer}). */
    private final IntakeProducer intake;

    private final TopicProvisioner topics;
    private final AssetApiSettings settings;
    private final Clock clock;
    private final MeterRegistry meters;

    TaskIntake(
            IntakeProducer intake,
            TopicProvisioner topics,
            AssetApiSettings settings,
            Clock clock,
            MeterRegistry meters) {
        this.intake = intake;
        this.topics = topics;
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * Accepts one task.
     *
     * @param requestIdPrefix the legacy prefix of generated request ids, e.g. {@code del_asset_}
     * @param gpuOnline whether a worker is online, which decides whether a {@code QUEUED} step is recorded
     */
    public TaskRequested submit(
            AuthenticatedLicense license, String taskType, Object payload, String requestIdPrefix, boolean gpuOnline) {
        return submit(license, taskType, payload, requestIdPrefix, Priority.NORMAL, gpuOnline);
    }

    /** Accepts one task of this priority (its license's high-priority topic for {@code HIGH}). */
    public TaskRequested submit(
            AuthenticatedLicense license,
            String taskType,
            Object payload,
            String requestIdPrefix,
            Priority priority,
            boolean gpuOnline) {
        return submitAs(
                license, taskType, payload, requestIdPrefix + uniqueSuffix(clock.instant()), priority, gpuOnline);
    }

    /** Accepts one task under a request id the caller chose (an idempotency key's id). */
    public TaskRequested submitAs(
            AuthenticatedLicense license,
            String taskType,
            Object payload,
            String requestId,
            Priority priority,
            boolean gpuOnline) {
        Instant now = clock.instant();
        TaskRequested task = TaskSubmission.task(
                requestId,
                license.licenseKey(),
                taskType,
                payload,
                priority,
                new TaskOrigin(TaskChannel.HTTP, settings.nodeId(), null, license.deviceType()),
                now);
        RequestContext.requestId(task.getRequestId());
        // The request's trace (continued from its traceparent or started here) goes on every record of the task.
        TaskSubmission submission = TaskSubmission.accepted(task, SOURCE, now, !gpuOnline, RequestContext.trace());
        try {
            intake.send(submission, topics, settings.sendTimeout());
        } catch (TaskSubmission.Unconfirmed e) {
            // Not "failed": the task may run. The client asks for its status before sending it again (ADR 019).
            log.warn("task requestId={} sent, not confirmed: {}", task.getRequestId(), e.toString());
            throw new ApiException(
                    HttpStatus.ACCEPTED,
                    "任务已提交，尚未确认：请稍后用 request_id "
                            + ClientRequestIds.shown(license.licenseKey(), task.getRequestId())
                            + " 查询任务状态，勿重复提交");
        } catch (KafkaException e) {
            log.error("could not queue task requestId={}: {}", task.getRequestId(), e.toString());
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "任务提交失败，请稍后重试");
        }
        if (!gpuOnline) {
            LegacyLog.taskQueued(task.getLicenseKey(), taskType, task.getRequestId());
        }
        Counter.builder(MetricNames.TASKS_ACCEPTED)
                .description("Tasks accepted at an edge")
                .tag(MetricNames.TAG_TASK_TYPE, taskType)
                .tag(MetricNames.TAG_SOURCE, SOURCE)
                .register(meters)
                .increment();
        log.info(
                // Not the topic: a tenant topic's name spells the license key out (ADR 003).
                "accepted task requestId={} taskType={} priority={} license={}",
                task.getRequestId(),
                taskType,
                Priorities.name(priority),
                license.masked());
        return task;
    }

    /** Like PHP's uniqid (time in hex) plus randomness, so ids from several instances never meet. */
    private static String uniqueSuffix(Instant now) {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        return Long.toHexString(micros) + HexFormat.of().formatHex(random);
    }
}
