package io.dsp.ops;

import io.dsp.ops.access.KafkaAccessCommand;
import io.dsp.ops.backlog.BacklogCommand;
import io.dsp.ops.deadletter.DeadLettersCommand;
import io.dsp.ops.fleet.DrainCommand;
import io.dsp.ops.fleet.FleetCommand;
import io.dsp.ops.fleet.UndrainCommand;
import io.dsp.ops.license.LicensesCommand;
import io.dsp.ops.migrate.MigrateLegacyCommand;
import io.dsp.ops.readmodel.RebuildReadModelsCommand;
import io.dsp.ops.replay.ReplayCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ops}: what an operator does to a running DSP on Kafka, against any bootstrap. */
@Command(
        name = "ops",
        mixinStandardHelpOptions = true,
        version = "ops 0.1.0",
        description = "Operations on DSP on Kafka: replay, dead letters, backlog, fleet, licenses, read models and the"
                + " migration from the legacy Redis lists. Every command takes --bootstrap-servers.",
        subcommands = {
            ReplayCommand.class,
            DeadLettersCommand.class,
            BacklogCommand.class,
            FleetCommand.class,
            DrainCommand.class,
            UndrainCommand.class,
            LicensesCommand.class,
            RebuildReadModelsCommand.class,
            MigrateLegacyCommand.class,
            KafkaAccessCommand.class,
            CommandLine.HelpCommand.class
        })
public final class OpsCommand implements Runnable {

    /** Exit code of bad arguments (picocli's default, said once here for the tests and the README). */
    public static final int BAD_ARGUMENTS = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The configured command line, as {@code main}, {@code ./dsp ops} and the tests use it. */
    public static CommandLine commandLine() {
        return configure(new CommandLine(new OpsCommand()));
    }

    /** Applies the ops error handling to this command line and every subcommand it has now. */
    public static CommandLine configure(CommandLine commandLine) {
        return commandLine
                .setParameterExceptionHandler(OpsCommand::badArguments)
                .setExecutionExceptionHandler(OpsCommand::failed);
    }

    /** A command that failed while it ran: its sentence for an {@link OpsException}, else the whole exception. */
    public static int failed(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        PrintWriter err = command.getErr();
        if (e instanceof OpsException ops) {
            err.println("ops: error: " + ops.getMessage());
            return ops.exitCode();
        }
        err.println("ops: error: " + e);
        e.printStackTrace(err);
        return 1;
    }

    /** The sentence, then the usage of the command that was misused. */
    public static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("ops: error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        command.usage(err);
        return BAD_ARGUMENTS;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
