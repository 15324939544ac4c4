package io.dsp.core.slot;

import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task a fleet slot acquired from {@code dsp.dispatch}: the decoded request, the broker's delivery count (1 for the
 * first) and the trace continued from the record's {@code traceparent} header.
 *
 * @param task the task as released by the dispatcher
 * @param delivery the broker's delivery count of this acquisition, 1 for the first
 * @param trace a child span of the record's trace (a new trace when the record carries none)
 */
public record Acquired(TaskRequested task, int delivery, TraceContext trace) {

    private static final Logger log = LoggerFactory.getLogger(Acquired.class);

    /**
     * Decodes an acquired record; empty when it is undecodable or a tombstone, which the slot then REJECTs (no
     * delivery of it can ever succeed).
     */
    public static Optional<Acquired> of(ConsumerRecord<byte[], byte[]> record) {
        int delivery = record.deliveryCount().map(Short::intValue).orElse(1);
        TaskRequested task;
        try {
            task = Topics.DISPATCH.value(record);
        } catch (SerializationException e) {
            log.error("rejecting undecodable record {}@{}: {}", record.topic(), record.offset(), e.getMessage());
            return Optional.empty();
        }
        if (task == null) {
            log.error("rejecting an empty record {}@{}", record.topic(), record.offset());
            return Optional.empty();
        }
        return Optional.of(new Acquired(task, delivery, TraceContext.continueOrStart(record.headers())));
    }

    public String requestId() {
        return task.getRequestId();
    }
}
