package io.dsp.ops.fleet;

import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.kafka.KafkaOptions;
import io.dsp.schemas.avro.WorkerAction;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A command that sends one {@link WorkerAction} to one worker: what {@code drain} and {@code undrain} share. */
abstract class WorkerActionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafkaOptions;

    @Parameters(paramLabel = "WORKER", description = "The worker id, as ops fleet shows it.")
    String workerId;

    @Option(names = "--unknown-ok", description = "Send it even if dsp.workers has no such worker.")
    boolean unknownOk;

    /** The action this command sends. */
    abstract WorkerAction action();

    @Override
    public Integer call() {
        try (KafkaAccess kafka = kafkaOptions.open()) {
            return WorkerCommands.send(
                    kafka, workerId, action(), unknownOk, spec.commandLine().getOut());
        }
    }
}
