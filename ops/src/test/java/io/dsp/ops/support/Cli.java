package io.dsp.ops.support;

import io.dsp.ops.OpsCommand;
import io.dsp.testkit.KafkaTestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Runs the ops CLI in this JVM against the test broker, as an operator would type it. */
public final class Cli {

    /** What one command did. */
    public record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private Cli() {}

    /** The arguments, then {@code --bootstrap-servers} of the test broker (options may follow the command's words). */
    public static Result run(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--bootstrap-servers=" + KafkaTestBroker.get().bootstrapServers());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = OpsCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(all.toArray(String[]::new));
        Result result = new Result(code, out.toString(), err.toString());
        System.out.println("$ ops " + String.join(" ", args) + "\n" + result);
        return result;
    }
}
