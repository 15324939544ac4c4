package io.dsp.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./dsp ops ...} runs the ops CLI; its bad arguments are answered as the ops CLI answers them. */
class OpsPassThroughTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void helpListsTheOpsCommandAndTheConsole() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("ops").contains("dsp ops ...");

        assertThat(execute("up", "--help")).isZero();
        assertThat(out.toString()).contains("console (:8390");
    }

    @Test
    void opsHelpListsEveryOpsCommand() {
        assertThat(execute("ops", "--help")).isZero();
        assertThat(out.toString())
                .contains("Usage: dsp ops")
                .contains("replay", "dead-letters", "backlog", "fleet", "drain", "undrain", "licenses")
                .contains("rebuild-read-models", "migrate-legacy");
    }

    @Test
    void badOpsArgumentsExitWithCodeTwoAndTheCommandsUsage() {
        assertThat(execute("ops", "replay", "--from=2h")).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("ops: error: Missing required option: '--license=KEY'")
                .contains("Usage: dsp ops replay");
    }

    @Test
    void aFailingOpsCommandSaysWhyInOneSentence() {
        // a port nothing listens on: the command fails while running, with a sentence and no stack trace
        int code = execute("ops", "fleet", "--bootstrap-servers=127.0.0.1:1", "--kafka-timeout=2");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString())
                .startsWith("ops: error: Kafka at 127.0.0.1:1")
                .doesNotContain("\tat ");
    }

    private int execute(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = DspCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
