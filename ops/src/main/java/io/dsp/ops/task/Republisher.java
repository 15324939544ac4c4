package io.dsp.ops.task;

import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Writes tasks into tenant topics as the edges do: the task record in its license's topic for its priority, with its
 * steps in {@code dsp.task-events}, each record carrying a child of the task's trace. Returns only once Kafka
 * acknowledged every record.
 */
public final class Republisher {

    /** {@code source} of the events the ops tooling writes. */
    public static final String SOURCE = "ops";

    private final KafkaAccess kafka;
    private final Set<String> ensured = new HashSet<>();

    public Republisher(KafkaAccess kafka) {
        this.kafka = kafka;
    }

    /** A new batch id: {@code <kind>-<utc time>-<random>}, e.g. {@code replay-20261129T073000Z-1a2b}. */
    public static String batchId(String kind, Instant now) {
        String time = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString()
                .replace("-", "")
                .replace(":", "");
        return kind + "-" + time + "-"
                + Integer.toHexString(
                        java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
    }

    /**
     * The same task again under its own id, marked with the batch: for a task that never ended, whose first run was
     * lost. A {@code QUEUED} step records the replay in its life.
     */
    public List<ProducerRecord<byte[], byte[]>> sameId(TaskCopy copy, String batch, Instant now) {
        TaskRequested task =
                TaskRequested.newBuilder(copy.task()).setReplayOf(batch).build();
        TraceContext trace = trace(copy.traceparent());
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        out.add(traced(TenantTopics.forTask(task).record(task.getRequestId(), task), trace));
        out.add(traced(
                Topics.TASK_EVENTS.record(
                        task.getRequestId(),
                        TaskEvents.about(task, TaskEventType.QUEUED, SOURCE, now)
                                .build()),
                trace));
        return out;
    }

    /**
     * A new run of an ended task under a derived id: a new task for the system ({@code ACCEPTED} with a REPLAY origin,
     * then {@code QUEUED}), whose {@code replayOf} names the batch and whose id names the original.
     */
    public List<ProducerRecord<byte[], byte[]>> newRun(TaskCopy copy, String newRequestId, String batch, Instant now) {
        TaskRequested source = copy.task();
        TaskOrigin origin = new TaskOrigin(
                TaskChannel.REPLAY,
                SOURCE,
                null,
                source.getOrigin() == null ? null : source.getOrigin().getDeviceType());
        TaskRequested task = TaskRequested.newBuilder(source)
                .setRequestId(newRequestId)
                .setReplayOf(batch)
                .setOrigin(origin)
                .setRequestedAt(now)
                .build();
        return accepted(task, trace(copy.traceparent()), now);
    }

    /** A task new to the system (a migrated one): its record, {@code ACCEPTED} (origin, priority), {@code QUEUED}. */
    public List<ProducerRecord<byte[], byte[]>> accepted(TaskRequested task, TraceContext trace, Instant now) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        out.add(traced(TenantTopics.forTask(task).record(task.getRequestId(), task), trace));
        out.add(traced(
                Topics.TASK_EVENTS.record(
                        task.getRequestId(),
                        TaskEvents.about(task, TaskEventType.ACCEPTED, SOURCE, now)
                                .setOrigin(task.getOrigin())
                                .setPriority(task.getPriority())
                                .build()),
                trace));
        out.add(traced(
                Topics.TASK_EVENTS.record(
                        task.getRequestId(),
                        TaskEvents.about(task, TaskEventType.QUEUED, SOURCE, now)
                                .build()),
                trace));
        return out;
    }

    /** Creates the license's task topic for this priority unless it exists (as the edges do on first use). */
    public void ensureTopic(String licenseKey, Priority priority) {
        TopicSpec<?, ?> spec = TenantTopics.forLicense(licenseKey, priority);
        if (ensured.contains(spec.name())) {
            return;
        }
        try {
            kafka.admin()
                    .createTopics(List.of(spec.newTopic((short) -1)))
                    .all()
                    .get(kafka.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new io.dsp.ops.OpsException(
                        "Cannot create " + spec.name() + ": " + e.getCause().getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.dsp.ops.OpsException("Interrupted while creating " + spec.name());
        } catch (TimeoutException e) {
            throw new io.dsp.ops.OpsException("Kafka did not create " + spec.name() + " in time");
        }
        ensured.add(spec.name());
    }

    /** Sends and waits for every acknowledgement. */
    public void send(List<ProducerRecord<byte[], byte[]>> records) {
        kafka.sendAll(records);
    }

    private static TraceContext trace(String traceparent) {
        return TraceContext.continueOrStart(traceparent).child();
    }

    private static ProducerRecord<byte[], byte[]> traced(ProducerRecord<byte[], byte[]> record, TraceContext trace) {
        trace.child().writeTo(record.headers());
        return record;
    }
}
