package io.dsp.ops.fleet;

import io.dsp.ops.OpsException;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.schemas.avro.WorkerAction;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.topic.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Writes an operator's standing command for one worker to the compacted {@code dsp.worker-commands}. */
final class WorkerCommands {

    static final String SOURCE = "ops CLI";

    private WorkerCommands() {}

    static int send(
            KafkaAccess kafka, String workerId, WorkerAction action, boolean unknownOk, java.io.PrintWriter out) {
        if (workerId == null || workerId.isBlank()) {
            throw new OpsException("A worker id is needed (ops fleet lists them)", 2);
        }
        Map<String, WorkerPresence> workers = FleetCommand.latest(kafka);
        if (!workers.containsKey(workerId) && !unknownOk) {
            throw new OpsException("No worker " + workerId + " in dsp.workers (ops fleet --all lists them); nothing"
                    + " was sent. Use --unknown-ok to send it anyway, for a worker that has not started yet.");
        }
        WorkerCommand command = WorkerCommand.newBuilder()
                .setWorkerId(workerId)
                .setAction(action)
                .setAt(Instant.now())
                .setSource(SOURCE)
                .build();
        kafka.sendAll(List.of(Topics.WORKER_COMMANDS.record(workerId, command)));
        out.printf(
                "%s sent to %s: %s%n",
                action.name().toLowerCase(java.util.Locale.ROOT),
                workerId,
                action == WorkerAction.DRAIN
                        ? "it takes no new task, finishes what runs, then reports draining with 0 in flight"
                        : "it takes work again");
        return 0;
    }
}
