package io.dsp.launcher.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./dsp}: the embedded stack of DSP on Kafka for one machine. */
@Command(
        name = "dsp",
        mixinStandardHelpOptions = true,
        version = "dsp 0.1.0",
        description = "Runs DSP on Kafka on this machine: a KRaft broker and the services, as child processes.",
        subcommands = {UpCommand.class, StatusCommand.class, CommandLine.HelpCommand.class})
public final class DspCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The configured command line, as {@code main} and the tests use it. */
    public static CommandLine commandLine() {
        return new CommandLine(new DspCommand()).setParameterExceptionHandler(DspCommand::badArguments);
    }

    // One sentence and a pointer to --help: the whole usage text would bury the sentence.
    private static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("dsp: error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public void run() {
        // No subcommand: say what there is rather than do something.
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
