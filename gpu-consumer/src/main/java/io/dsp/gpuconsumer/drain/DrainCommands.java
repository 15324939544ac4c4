package io.dsp.gpuconsumer.drain;

import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.slot.SlotPool;
import io.dsp.schemas.avro.WorkerAction;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code dsp.worker-commands} (compacted, keyed by worker id) says to this worker: during the start-up read only
 * the latest command counts, applied once that read is done (so a worker that restarts under a drain stays drained);
 * then DRAIN drains the {@link SlotPool} and UNDRAIN (or a tombstone: no command) undrains it. Commands for other
 * workers are skipped. Records come on the view's one thread.
 */
final class DrainCommands {

    private static final Logger log = LoggerFactory.getLogger(DrainCommands.class);

    private final WorkerIdentity identity;
    private final SlotPool slots;
    /** The latest command for this worker read so far; applied once the start-up read is done, then as it comes. */
    private WorkerAction latest;

    private boolean live;

    DrainCommands(WorkerIdentity identity, SlotPool slots) {
        this.identity = identity;
        this.slots = slots;
    }

    void apply(ConsumerRecord<byte[], byte[]> record) {
        String workerId = Topics.WORKER_COMMANDS.key(record);
        if (!identity.id().equals(workerId)) {
            return;
        }
        WorkerCommand command = Topics.WORKER_COMMANDS.value(record);
        latest = command == null ? WorkerAction.UNDRAIN : command.getAction();
        if (live) {
            log.info("worker command {} from {}", latest, command == null ? "a tombstone" : command.getSource());
            apply(latest);
        }
    }

    /** The start-up read is done: what it ended with holds now. */
    void caughtUp() {
        live = true;
        apply(latest);
    }

    private void apply(WorkerAction action) {
        if (action == WorkerAction.DRAIN) {
            slots.drain();
        } else if (action == WorkerAction.UNDRAIN) {
            slots.undrain();
        }
        // UNKNOWN (a newer action this worker does not know) and no command at all change nothing
    }
}
