package io.dsp.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Parsing and rejection only: a valid {@code up} would start the stack. */
class UpCommandOptionsTest {

    private final StringWriter err = new StringWriter();

    @Test
    void defaultsToTheStandardPortsAndTheRepositoryDataDir() {
        UpCommand up = parse("up");

        assertThat(up.stack.kafkaPort).isEqualTo(9092);
        assertThat(up.controllerPort).isEqualTo(9093);
        assertThat(up.stack.dataDir).isEqualTo(Path.of(".dsp-data"));
        assertThat(up.only).isNull();
        assertThat(up.without).isNull();
    }

    @Test
    void splitsServiceListsOnCommas() {
        UpCommand up = parse("up", "--without=gpu-consumer,gateway", "--kafka-port=19092", "--controller-port=19093");

        assertThat(up.without).containsExactly("gpu-consumer", "gateway");
        assertThat(up.stack.kafkaPort).isEqualTo(19092);
        assertThat(up.controllerPort).isEqualTo(19093);
    }

    @Test
    void rejectsAnUnknownServiceListingTheValidOnes() {
        int code = execute("up", "--only=gpu");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("dsp: error: Unknown name in --only: gpu.")
                .contains("asset-api, dispatcher, gateway, gpu-consumer")
                .contains("See 'dsp up --help'.");
    }

    @Test
    void rejectsAPortOutOfRange() {
        assertThat(execute("up", "--kafka-port=70000")).isEqualTo(2);
        assertThat(err.toString()).contains("--kafka-port must be a port between 1 and 65535: 70000");
    }

    @Test
    void rejectsTheSamePortForKafkaAndItsController() {
        assertThat(execute("up", "--kafka-port=9093")).isEqualTo(2);
        assertThat(err.toString()).contains("--kafka-port and --controller-port must differ");
    }

    @Test
    void rejectsAKafkaPortThatAServiceUses() {
        assertThat(execute("up", "--kafka-port=8080")).isEqualTo(2);
        assertThat(err.toString()).contains("Port 8080 is asset-api's");
    }

    @Test
    void rejectsANonNumericPort() {
        assertThat(execute("up", "--kafka-port=abc")).isEqualTo(2);
        assertThat(err.toString()).contains("--kafka-port");
    }

    private UpCommand parse(String... args) {
        CommandLine.ParseResult result = DspCommand.commandLine().parseArgs(args);
        return (UpCommand) result.subcommand().commandSpec().userObject();
    }

    private int execute(String... args) {
        CommandLine cli = DspCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
