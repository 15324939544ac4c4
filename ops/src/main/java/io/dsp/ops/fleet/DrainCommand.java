package io.dsp.ops.fleet;

import io.dsp.schemas.avro.WorkerAction;
import picocli.CommandLine.Command;

/** {@code ops drain WORKER}. */
@Command(
        name = "drain",
        mixinStandardHelpOptions = true,
        description = "Asks a worker to take no new task and finish what it runs (a DRAIN WorkerCommand).")
public final class DrainCommand extends WorkerActionCommand {

    @Override
    WorkerAction action() {
        return WorkerAction.DRAIN;
    }
}
