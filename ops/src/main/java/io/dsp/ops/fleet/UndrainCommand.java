package io.dsp.ops.fleet;

import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.kafka.KafkaOptions;
import io.dsp.schemas.avro.WorkerAction;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ops undrain WORKER}. */
@Command(
        name = "undrain",
        mixinStandardHelpOptions = true,
        description = "Lets a drained worker take work again (an UNDRAIN WorkerCommand).")
public final class UndrainCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafkaOptions;

    @Parameters(paramLabel = "WORKER", description = "The worker id, as ops fleet shows it.")
    String workerId;

    @Option(names = "--unknown-ok", description = "Send it even if dsp.workers has no such worker.")
    boolean unknownOk;

    @Override
    public Integer call() {
        try (KafkaAccess kafka = kafkaOptions.open()) {
            return WorkerCommands.send(kafka, workerId, WorkerAction.UNDRAIN, unknownOk, out());
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
