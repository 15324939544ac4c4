package io.dsp.benchmarks;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** What a run measured, row by row, with the targets judged; written as JSON and markdown. */
final class Report {

    /**
     * One measured quantity of the system next to its raw-client baseline ({@code raw} NaN where there is none, or
     * where no raw run counted): the medians of the repeated runs, and their spreads ({@code null} for a quantity
     * measured once). The ratio is taken from the medians.
     */
    record Row(
            String scenario,
            String metric,
            String unit,
            double system,
            double raw,
            String note,
            Spread systemSpread,
            Spread rawSpread) {

        Row(String scenario, String metric, String unit, double system, double raw, String note) {
            this(scenario, metric, unit, system, raw, note, null, null);
        }

        /** The medians of the two sides' runs, with their spreads. */
        static Row of(String scenario, String metric, String unit, Spread system, Spread raw, String note) {
            return new Row(scenario, metric, unit, system.median(), raw.median(), note, system, raw);
        }

        double ratio() {
            return Double.isNaN(raw) || raw == 0 ? Double.NaN : system / raw;
        }
    }

    /** A PNG written next to the report and shown in it. */
    record Chart(String scenario, String title, String file, BufferedImage image, String caption) {}

    /** A target of issue 7 with the measured ratio and whether it holds. */
    record Target(String name, String rule, double measured, boolean met, String why) {}

    private final Profile profile;
    private final Instant startedAt = Instant.now();
    private final List<Row> rows = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Chart> charts = new ArrayList<>();
    private String stack = "one in-JVM KRaft broker (spring-kafka EmbeddedKafkaKraftBroker), shared by both sides";

    Report(Profile profile) {
        this.profile = profile;
    }

    /** What the families ran against ({@link StackUnderTest#describe}). */
    synchronized void stack(String description) {
        stack = description;
    }

    synchronized void add(Row row) {
        rows.add(row);
        System.out.println(format(row));
    }

    synchronized void target(String name, String rule, double measured, boolean met, String why) {
        targets.add(new Target(name, rule, measured, met, why));
    }

    synchronized void note(String note) {
        notes.add(note);
    }

    /** A chart to write as {@code file} next to report.md, under the results. */
    synchronized void chart(String scenario, String title, String file, BufferedImage image, String caption) {
        charts.add(new Chart(scenario, title, file, image, caption));
    }

    synchronized List<Chart> charts() {
        return List.copyOf(charts);
    }

    synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    synchronized List<Target> targets() {
        return List.copyOf(targets);
    }

    synchronized Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            m.put("memory_mib", os.getTotalMemorySize() / (1024 * 1024));
            m.put("load_average", Math.round(os.getSystemLoadAverage() * 100) / 100.0);
        }
        m.put("stack", stack);
        return m;
    }

    synchronized void write(Path out) throws IOException {
        Files.createDirectories(out);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", startedAt.toString());
        json.put("finished", Instant.now().toString());
        json.put("profile", profile);
        json.put("machine", machine());
        List<Map<String, Object>> rowMaps = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", r.scenario());
            m.put("metric", r.metric());
            m.put("unit", r.unit());
            m.put("system", finite(r.system()));
            m.put("raw", finite(r.raw()));
            m.put("ratio", finite(r.ratio()));
            if (r.systemSpread() != null) {
                m.put("system_runs", runs(r.systemSpread()));
            }
            if (r.rawSpread() != null) {
                m.put("raw_runs", runs(r.rawSpread()));
                m.put("raw_runs_excluded", r.rawSpread().excluded());
            }
            m.put("note", r.note());
            rowMaps.add(m);
        }
        json.put("results", rowMaps);
        json.put(
                "targets",
                targets.stream()
                        .map(t -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("target", t.name());
                            m.put("rule", t.rule());
                            m.put("measured", finite(t.measured()));
                            m.put("met", t.met());
                            m.put("why", t.why());
                            return m;
                        })
                        .toList());
        json.put("notes", notes);
        json.put(
                "charts",
                charts.stream()
                        .map(c -> Map.of("scenario", c.scenario(), "title", c.title(), "file", c.file()))
                        .toList());
        for (Chart c : charts) {
            Charts.write(c.image(), out.resolve(c.file()));
        }
        Files.writeString(
                out.resolve("report.json"),
                JsonMapper.builder()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .build()
                        .writeValueAsString(json),
                StandardCharsets.UTF_8);
        Files.writeString(out.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
    }

    synchronized String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# DSP on Kafka benchmarks: the system next to raw Kafka clients\n\n");
        md.append(String.format(
                Locale.ROOT, "Run %s (profile `%s`), finished %s.%n%n", startedAt, profile.name(), Instant.now()));
        md.append("Machine: ");
        machine().forEach((k, v) -> md.append(k).append(' ').append(v).append("; "));
        md.append("\n\n## Targets\n\n| Target | Rule | Measured | Met | Why |\n|---|---|---|---|---|\n");
        for (Target t : targets) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s |%n",
                    t.name(),
                    t.rule(),
                    number(t.measured()),
                    t.met() ? "**met**" : t.why().startsWith("invalid") ? "invalid" : "not met",
                    t.why()));
        }
        md.append(String.format(
                Locale.ROOT,
                "%n## Results%n%nEach side ran %d time(s), alternating raw, system, raw, system, ... on the same broker;"
                        + " a value is the median of its side's runs, its spread the lowest and highest run, and the"
                        + " ratio the medians'. A raw dispatch run that did not keep up with its offered rate is"
                        + " excluded (counted in its spread).%n%n",
                profile.repeats()));
        md.append("| Scenario | Metric | System | System spread | Raw Kafka | Raw spread | System / raw | Note |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s (%s) | %s | %s | %s | %s | %s | %s |%n",
                    r.scenario(),
                    r.metric(),
                    r.unit(),
                    number(r.system()),
                    r.systemSpread() == null ? "" : r.systemSpread().describe(),
                    number(r.raw()),
                    r.rawSpread() == null ? "" : r.rawSpread().describe(),
                    number(r.ratio()),
                    r.note()));
        }
        if (!charts.isEmpty()) {
            md.append("\n## Charts\n");
            for (Chart c : charts) {
                md.append("\n### ").append(c.title()).append("\n\n");
                md.append("![").append(c.title()).append("](").append(c.file()).append(")\n");
                if (!c.caption().isEmpty()) {
                    md.append('\n').append(c.caption()).append('\n');
                }
            }
        }
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private static List<Object> runs(Spread spread) {
        List<Object> values = new ArrayList<>();
        spread.values().forEach(v -> values.add(finite(v)));
        return values;
    }

    private static Object finite(double value) {
        return Double.isFinite(value) ? Math.round(value * 100) / 100.0 : null;
    }

    static String number(double value) {
        if (!Double.isFinite(value)) {
            return "–";
        }
        return Math.abs(value) >= 100
                ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String format(Row r) {
        return String.format(
                Locale.ROOT,
                "[bench] %-12s %-40s system %10s  raw %10s  ratio %6s %s",
                r.scenario(),
                r.metric() + " (" + r.unit() + ")",
                number(r.system()),
                number(r.raw()),
                number(r.ratio()),
                r.note());
    }
}
