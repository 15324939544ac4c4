package io.dsp.dispatcher.release;

import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Tasks of a tenant topic that its retention deleted before the dispatcher released them: the offsets from where the
 * dispatcher stood to where the log now begins. The dispatcher never skips them silently: it records each such range
 * as a dead letter (reason {@code BACKLOG_EXPIRED}) in the same transaction that moves its offset past them, so the
 * loss is recorded exactly once and operators see it with the fleet's other dead letters.
 *
 * @param partition the tenant topic partition
 * @param from the first lost offset (where the dispatcher's group stood; 0 for a topic it never read)
 * @param to the first offset still in the log
 */
record ExpiredBacklog(TopicPartition partition, long from, long to) {

    /** The range lost between the group's position and the log's start, if any. */
    static Optional<ExpiredBacklog> between(TopicPartition partition, long position, long logStart) {
        return position < logStart ? Optional.of(new ExpiredBacklog(partition, position, logStart)) : Optional.empty();
    }

    long count() {
        return to - from;
    }

    /** The placeholder id of the lost range: there is no task to name, only where it was. */
    String id() {
        return "lost-" + partition.topic() + "-" + partition.partition() + "-" + from + "-" + to;
    }

    String description() {
        return count() + " task(s) at offsets " + from + ".." + (to - 1) + " of " + partition
                + " were deleted by the topic's retention before they were released";
    }

    /**
     * The dead letter: a placeholder task (type {@code unknown}, the tenant's license key when the dispatcher knows it,
     * else the tenant's name) carrying where the tasks were; nothing in it can be re-driven.
     */
    ProducerRecord<byte[], byte[]> deadLetter(String licenseKey, Instant now) {
        TaskRequested placeholder = TaskRequested.newBuilder()
                .setRequestId(id())
                .setLicenseKey(licenseKey)
                .setTaskType("unknown")
                .setPayload(GenericPayload.newBuilder().setJson("{}").build())
                .setPriority(TenantTopics.priorityOf(partition.topic()))
                .setRequestedAt(now)
                .setOrigin(new TaskOrigin(TaskChannel.UNKNOWN, "dispatcher", null, null))
                .build();
        DeadLetter letter = DeadLetter.newBuilder()
                .setTask(placeholder)
                .setReason(DeadLetterReason.BACKLOG_EXPIRED)
                .setDeliveryCount(0)
                .setLastError(description())
                .setSourceTopic(partition.topic())
                .setDeadLetteredAt(now)
                .build();
        return Topics.DEAD_LETTERS.record(id(), letter);
    }
}
