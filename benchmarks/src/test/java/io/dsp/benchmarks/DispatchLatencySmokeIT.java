package io.dsp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The benchmark's short version: both sides deliver every accepted task and a report is written. */
class DispatchLatencySmokeIT {

    @Test
    void smallRunMeasuresBothSidesAndWritesItsReports(@TempDir Path dir) throws Exception {
        DispatchLatencyBenchmark benchmark = new DispatchLatencyBenchmark();
        new CommandLine(benchmark)
                .parseArgs("--tenants=20", "--rate=40", "--seconds=3", "--warmup=1", "--out=" + dir.resolve("report"));

        DispatchLatencyBenchmark.Result raw = benchmark.runRaw();
        DispatchLatencyBenchmark.Result system = benchmark.runSystem();

        assertThat(raw.accepted()).isGreaterThan(0);
        assertThat(raw.arrived()).isEqualTo(raw.accepted());
        assertThat(system.accepted()).isGreaterThan(0);
        assertThat(system.arrived()).isEqualTo(system.accepted());
        assertThat(benchmark.call()).isZero();
        assertThat(Files.readString(dir.resolve("report.md"))).contains("ratio system/raw");
        assertThat(Files.readString(dir.resolve("report.json"))).contains("\"ratio\"");
    }
}
