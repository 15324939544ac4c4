package io.dsp.ops.fleet;

import io.dsp.schemas.avro.WorkerAction;
import picocli.CommandLine.Command;

/** {@code ops undrain WORKER}. */
@Command(
        name = "undrain",
        mixinStandardHelpOptions = true,
        description = "Lets a drained worker take work again (an UNDRAIN WorkerCommand).")
public final class UndrainCommand extends WorkerActionCommand {

    @Override
    WorkerAction action() {
        return WorkerAction.UNDRAIN;
    }
}
