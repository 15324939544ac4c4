package io.dsp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every scenario of {@link Bench} at tiny counts: each produces finite, positive numbers on both sides (a raw dispatch
 * side may instead be reported invalid, every run of it excluded for not keeping up), the report is written and its
 * charts are PNGs next to it, linked from it. Timing is printed, never asserted.
 */
class BenchSmokeIT {

    @Test
    void everyScenarioMeasuresBothSidesAndWritesTheReport(@TempDir Path dir) throws Exception {
        Bench bench = new Bench();
        new CommandLine(bench).parseArgs("all", "--smoke", "--out=" + dir);

        assertThat(bench.call()).isZero();

        List<Report.Row> rows = bench.report.rows();
        SoftAssertions soft = new SoftAssertions();
        for (String scenario : List.of("connections", "dispatch", "tenants", "intake", "drain", "utilisation")) {
            soft.assertThat(rows).as(scenario).anyMatch(r -> r.scenario().equals(scenario));
        }
        for (Report.Row row : rows) {
            soft.assertThat(row.system()).as("system: %s", row).isFinite().isGreaterThanOrEqualTo(0);
            // a raw side whose every run fell behind is reported invalid, not as a number (never a timing assertion)
            boolean rawInvalid = row.rawSpread() != null
                            && row.rawSpread().runs() == 0
                            && row.rawSpread().excluded() > 0
                    || row.note().contains("raw column invalid");
            // rows with nothing raw to compare (connections; a drain's slot utilisation, ADR 034) say so in their note
            boolean systemOnly =
                    row.scenario().equals("connections") || row.note().contains("no raw figure");
            if (!systemOnly && !rawInvalid) {
                soft.assertThat(row.raw()).as("raw: %s", row).isFinite().isGreaterThanOrEqualTo(0);
            }
        }
        soft.assertThat(rows)
                .filteredOn(r -> r.metric().startsWith("idle client connections held"))
                .singleElement()
                .satisfies(r -> assertThat(r.system()).isEqualTo(Profile.SMOKE.connections()));
        soft.assertThat(rows)
                .filteredOn(r -> r.metric().contains("gpu.power.online"))
                .singleElement()
                .satisfies(r -> assertThat(r.note()).startsWith(Profile.SMOKE.connections() + " connections"));
        soft.assertThat(rows)
                .filteredOn(r -> r.unit().equals("tasks/s"))
                .allSatisfy(r -> assertThat(r.system()).isPositive());
        // the dispatch target is judged on each path a user feels: HTTP and WebSocket
        soft.assertThat(bench.report.targets())
                .extracting(Report.Target::name)
                .containsExactly(
                        "dispatch p99 within 2x raw, HTTP",
                        "dispatch p99 within 2x raw, WebSocket",
                        "dispatch p99 within 2x raw at " + Profile.FAST_RATE + " tasks/s, HTTP",
                        Profile.SMOKE.tenants() + " tenants within 2x of one",
                        "intake >= 50% of raw producer",
                        "drain >= 50% of raw share consumer",
                        Bench.saturationTarget(Profile.SMOKE.saturation()));
        soft.assertThat(Files.readString(dir.resolve("report.md"))).contains("## Targets", "System / raw");
        // where the workers' hand-overs went, timed by their own slots, for drain and utilisation
        soft.assertThat(Files.readString(dir.resolve("report.md")))
                .containsPattern("hand-over went in drain, 1 worker[^\\n]*ledger \\d+\\.\\d ms \\(\\d+\\)")
                .containsPattern("hand-over went in utilisation[^\\n]*confirm \\d+\\.\\d ms \\(\\d+\\)");
        soft.assertThat(Files.readString(dir.resolve("report.json"))).contains("\"targets\"", "\"machine\"");
        List<String> charts = List.of(
                "dispatch-latency.png",
                "tenants-latency.png",
                "drain-utilisation-1-worker.png",
                "drain-utilisation-4-workers.png",
                "utilisation.png");
        soft.assertThat(bench.report.charts())
                .extracting(Report.Chart::file)
                .containsExactlyInAnyOrderElementsOf(charts);
        for (String chart : charts) {
            soft.assertThat(dir.resolve(chart)).as(chart).isNotEmptyFile();
            soft.assertThat(Files.readString(dir.resolve("report.md"))).contains("](" + chart + ")");
        }
        soft.assertAll();
    }
}
