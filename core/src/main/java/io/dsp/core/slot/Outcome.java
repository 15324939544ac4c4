package io.dsp.core.slot;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A task's outcome event, built and not yet sent: a slot sends it until it lands ({@link OutcomeRecorder}); a slot
 * stopped before it could keeps it in its {@link OutcomeJournal}.
 *
 * @param record the record exactly as it is sent (topic, key, value, trace headers)
 * @param counter the counter an outcome of this kind counts to, once recorded
 * @param taskType the task's type, the counter's tag
 */
public record Outcome(ProducerRecord<byte[], byte[]> record, String counter, String taskType) {}
