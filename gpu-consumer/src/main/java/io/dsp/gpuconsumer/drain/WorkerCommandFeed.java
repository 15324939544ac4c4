package io.dsp.gpuconsumer.drain;

import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.feed.TopicFollower;
import io.dsp.gpuconsumer.slot.SlotPool;
import io.dsp.schemas.avro.WorkerAction;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Follows {@code dsp.worker-commands} (compacted, keyed by worker id) for this worker: read whole at start-up, before
 * the slots start, so a worker that restarts under a drain stays drained; then DRAIN drains the {@link SlotPool} and
 * UNDRAIN (or a tombstone: no command) undrains it. Commands for other workers are skipped.
 */
@Component
class WorkerCommandFeed extends TopicFollower {

    private static final Logger log = LoggerFactory.getLogger(WorkerCommandFeed.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    private final WorkerIdentity identity;
    private final SlotPool slots;
    /** The latest command for this worker read so far; applied once the start-up read is done, then as it comes. */
    private WorkerAction latest;

    WorkerCommandFeed(KafkaAdmin kafkaAdmin, WorkerIdentity identity, SlotPool slots) {
        super(kafkaAdmin, Topics.WORKER_COMMANDS.name(), STARTUP_TIMEOUT);
        this.identity = identity;
        this.slots = slots;
    }

    @Override
    protected void seekStart(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        consumer.seekToBeginning(partitions);
    }

    @Override
    protected void onCaughtUp() {
        apply(latest);
    }

    @Override
    protected void onRecord(ConsumerRecord<byte[], byte[]> record) {
        String workerId;
        WorkerCommand command;
        try {
            workerId = Topics.WORKER_COMMANDS.key(record);
            command = record.value() == null ? null : Topics.WORKER_COMMANDS.value(record);
        } catch (SerializationException e) {
            log.warn("skipping undecodable worker command at {}@{}", record.partition(), record.offset());
            return;
        }
        if (!identity.id().equals(workerId)) {
            return;
        }
        latest = command == null ? WorkerAction.UNDRAIN : command.getAction();
        if (caughtUp()) {
            log.info("worker command {} from {}", latest, command == null ? "a tombstone" : command.getSource());
            apply(latest);
        }
    }

    private void apply(WorkerAction action) {
        if (action == WorkerAction.DRAIN) {
            slots.drain();
        } else if (action == WorkerAction.UNDRAIN) {
            slots.undrain();
        }
        // UNKNOWN (a newer action this worker does not know) and no command at all change nothing
    }

    @Override
    protected String whenLate() {
        return "starting undrained";
    }

    @Override
    protected String whenStopped() {
        return "drain commands no longer reach this worker";
    }
}
