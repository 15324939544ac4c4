package io.dsp.ops.deadletter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ops dead-letters}: the tasks the fleet gave up on. */
@Command(
        name = "dead-letters",
        mixinStandardHelpOptions = true,
        description = "Lists and re-drives the tasks in dsp.dead-letters.",
        subcommands = {ListDeadLettersCommand.class, RedriveCommand.class})
public final class DeadLettersCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Say what to do: list or redrive.");
    }
}
