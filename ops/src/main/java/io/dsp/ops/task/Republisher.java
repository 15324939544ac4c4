package io.dsp.ops.task;

import io.dsp.core.intake.TaskSubmission;
import io.dsp.ops.OpsException;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.trace.TraceContext;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Writes tasks into tenant topics as the edges do ({@link TaskSubmission}): the task record in its license's topic for
 * its priority, with its steps in {@code dsp.task-events}, every record carrying this run's span of the task's trace.
 * Returns only once Kafka acknowledged every record.
 */
public final class Republisher {

    /** {@code source} of the events the ops tooling writes. */
    public static final String SOURCE = "ops";

    private final KafkaAccess kafka;
    private TopicProvisioner topics;

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
        return TaskSubmission.requeued(task, SOURCE, now, trace(copy.traceparent()))
                .records();
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
        return TaskSubmission.accepted(task, SOURCE, now, true, trace).records();
    }

    /** Creates the task topic this task goes to (license, priority, lane) unless it exists, as the edges do. */
    public void ensureTopic(TaskRequested task) {
        if (topics == null) {
            topics = new TopicProvisioner(kafka.admin(), (short) -1);
        }
        try {
            topics.ensureTopicOf(task);
        } catch (KafkaException e) {
            throw new OpsException(e.getMessage());
        }
    }

    /** Sends and waits for every acknowledgement. */
    public void send(List<ProducerRecord<byte[], byte[]>> records) {
        kafka.sendAll(records);
    }

    /** This run's span of the task's trace (continued from its record, or a new trace). */
    private static TraceContext trace(String traceparent) {
        return TraceContext.continueOrStart(traceparent);
    }
}
