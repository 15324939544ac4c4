package io.dsp.launcher.cli;

import io.dsp.ops.OpsCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./dsp}: the embedded stack of DSP on Kafka for one machine. */
@Command(
        name = "dsp",
        mixinStandardHelpOptions = true,
        version = "dsp 0.1.0",
        description = {
            "Runs DSP on Kafka on this machine: a KRaft broker and the services, as child processes.",
            "'dsp ops ...' runs the operators' commands (replay, dead letters, backlog, fleet, licenses, read models,"
                    + " legacy migration) against any bootstrap; 'dsp ops --help' lists them."
        },
        subcommands = {UpCommand.class, StatusCommand.class, OpsCommand.class, CommandLine.HelpCommand.class})
public final class DspCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The configured command line, as {@code main} and the tests use it. */
    public static CommandLine commandLine() {
        return new CommandLine(new DspCommand())
                .setParameterExceptionHandler(DspCommand::badArguments)
                // Only ops commands fail while running with a sentence to show; the rest report their own errors.
                .setExecutionExceptionHandler(OpsCommand::failed);
    }

    // One sentence and a pointer to --help: the whole usage text would bury the sentence.
    private static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        if (isOps(command)) {
            // The ops commands answer bad arguments with the sentence and their usage, here as on their own.
            return OpsCommand.badArguments(e, args);
        }
        PrintWriter err = command.getErr();
        err.println("dsp: error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static boolean isOps(CommandLine command) {
        for (CommandLine c = command; c != null; c = c.getParent()) {
            if (c.getCommand() instanceof OpsCommand) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void run() {
        // No subcommand: say what there is rather than do something.
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
