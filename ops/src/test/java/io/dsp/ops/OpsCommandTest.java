package io.dsp.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Bad arguments: exit code 2, one sentence, then the usage of the misused command; nothing is contacted. */
class OpsCommandTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "replay --from 2h | Missing required option: '--license=KEY' | Usage: ops replay",
                "replay --license abcdef --from yesterday | --from: 'yesterday' is not a time | Usage: ops replay",
                "replay --license abcdef --from 1h --to 2h | is after --to | Usage: ops replay",
                "dead-letters redrive | Missing required argument | Usage: ops dead-letters redrive",
                "dead-letters redrive --all --request-id x | mutually exclusive | Usage: ops dead-letters redrive",
                "dead-letters | Say what to do: list or redrive. | Usage: ops dead-letters",
                "licenses provision a.b | KEY must be 6-64 of A-Z a-z 0-9 _ - | Usage: ops licenses provision",
                "licenses provision abcdef --status gone | --status must be active, expired or disabled | Usage:",
                "licenses provision abcdef --device-binding tv=m1 | the device type must be pc or mobile | Usage:",
                "drain | Missing required parameter: 'WORKER' | Usage: ops drain",
                "replays | Unmatched argument at index 0: 'replays' | Did you mean: ops replay",
                "backlog --kafka-timeout x | Invalid value for option '--kafka-timeout' | Usage: ops backlog"
            })
    void badArgumentsExitWithCodeTwoAndTheUsage(String args, String message, String usage) {
        StringWriter err = new StringWriter();
        CommandLine cli = OpsCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));

        int code = cli.execute(args.trim().split("\\s+"));

        assertThat(code).isEqualTo(OpsCommand.BAD_ARGUMENTS);
        assertThat(err.toString()).startsWith("ops: error: ").contains(message).contains(usage.trim());
    }
}
