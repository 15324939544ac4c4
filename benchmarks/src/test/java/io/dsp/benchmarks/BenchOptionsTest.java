package io.dsp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line chooses the stack under test; the in-JVM one unless told otherwise. */
class BenchOptionsTest {

    @Test
    void runsInTheJvmByDefault() {
        Bench bench = new Bench();
        new CommandLine(bench).parseArgs("dispatch", "--quick");

        assertThat(bench.against).isEqualTo(Bench.Against.in_jvm);
    }

    @Test
    void takesARunningStackWithItsAddresses() {
        Bench bench = new Bench();
        new CommandLine(bench)
                .parseArgs(
                        "dispatch",
                        "intake",
                        "--against=running",
                        "--data-dir=.dsp-data",
                        "--bootstrap-servers=10.0.0.5:9092",
                        "--machine-code=demo-machine");

        assertThat(bench.against).isEqualTo(Bench.Against.running);
        assertThat(bench.dataDir).isEqualTo(Path.of(".dsp-data"));
        assertThat(bench.bootstrapServers).isEqualTo("10.0.0.5:9092");
        assertThat(bench.assetApi).isEqualTo("http://127.0.0.1:8080");
        assertThat(bench.gateway).isEqualTo("ws://127.0.0.1:9501/dsp");
        assertThat(bench.machineCode).isEqualTo("demo-machine");
    }

    @Test
    void acceptsTheDashedSpellingOfInJvm() {
        Bench bench = new Bench();
        new CommandLine(bench).parseArgs("--against=in-jvm");

        assertThat(bench.against).isEqualTo(Bench.Against.in_jvm);
    }
}
