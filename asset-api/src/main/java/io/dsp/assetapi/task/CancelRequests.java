package io.dsp.assetapi.task;

import io.dsp.assetapi.AssetApiSettings;
import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.web.ApiException;
import io.dsp.schemas.avro.TaskAction;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Cancel commands of this edge: sends a {@code CANCEL} {@link TaskControl} on {@code dsp.task-control} (keyed by request
 * id, acknowledged by Kafka before the caller is answered) and tells whether one was already sent, from the
 * {@code task-control} table or, within this instance, from memory before the table shows it.
 */
@Component
public class CancelRequests {

    static final String SOURCE = "asset-api";
    private static final Logger log = LoggerFactory.getLogger(CancelRequests.class);
    private static final Duration RECENT = Duration.ofMinutes(1);

    private final ReadModels readModels;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final AssetApiSettings settings;
    private final Clock clock;
    /** Cancels this instance sent that the table may not show yet, with when. */
    private final Map<String, Instant> recent = new ConcurrentHashMap<>();

    CancelRequests(ReadModels readModels, KafkaTemplate<byte[], byte[]> kafka, AssetApiSettings settings, Clock clock) {
        this.readModels = readModels;
        this.kafka = kafka;
        this.settings = settings;
        this.clock = clock;
    }

    /** Whether a cancel of this task was already sent (by any instance, or by this one a moment ago). */
    public boolean requested(String requestId) {
        Instant cutoff = clock.instant().minus(RECENT);
        recent.entrySet().removeIf(e -> e.getValue().isBefore(cutoff));
        if (recent.containsKey(requestId)) {
            return true;
        }
        Optional<TaskControl> control = readModels.taskControl(requestId);
        return control.filter(c -> c.getAction() == TaskAction.CANCEL).isPresent();
    }

    /** Sends the cancel of this task and waits for Kafka to hold it. */
    void send(TaskLife life, AuthenticatedLicense license) {
        TaskControl command = TaskControl.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setRequestId(life.getRequestId())
                .setLicenseKey(life.getLicenseKey())
                .setAction(TaskAction.CANCEL)
                .setAt(clock.instant())
                .setSource(SOURCE)
                .setReason("requested by its license over HTTP")
                .build();
        try {
            kafka.send(Topics.TASK_CONTROL.record(life.getRequestId(), command))
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "取消请求提交失败，请稍后重试");
        } catch (ExecutionException | TimeoutException e) {
            log.error("could not send cancel of requestId={}: {}", life.getRequestId(), e.toString());
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "取消请求提交失败，请稍后重试");
        }
        recent.put(life.getRequestId(), clock.instant());
        log.info("cancel requested requestId={} license={}", life.getRequestId(), license.masked());
    }
}
