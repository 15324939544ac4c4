package io.dsp.benchmarks;

import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.topic.Groups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Every benchmark scenario, each beside raw Kafka clients on the same broker in the same run, with one report: {@code
 * report.json} and {@code report.md} under {@code --out}. The stack under test is started in this JVM ({@link
 * InJvmStack}), or, with {@code --against=running}, one that already runs ({@link RunningStack}, e.g. {@code ./dsp
 * up}); the families do not know which.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Runs the scenarios (default all) next to raw Kafka clients and writes report.json + report.md.")
public final class Bench implements Callable<Integer> {

    /** The scenarios, in the order they run (idle connections first: they need a fleet that never was online). */
    enum Scenario {
        connections,
        dispatch,
        tenants,
        intake,
        drain,
        utilisation,
        all
    }

    @Parameters(
            arity = "0..*",
            description = "connections, dispatch, tenants, intake, drain, utilisation or all (default)")
    List<Scenario> scenarios = List.of(Scenario.all);

    @Option(names = "--quick", description = "small counts: about 15 minutes for all, 3 runs per side")
    boolean quick;

    @Option(names = "--smoke", description = "tiny counts, for the CI smoke test")
    boolean smoke;

    @Option(
            names = "--repeats",
            description = "runs of each side of each family, alternating raw, system, raw, ... (default 3, smoke 1)")
    Integer repeats;

    @Option(
            names = "--share-poll-ms",
            description = "the longest wait of one share poll, of the system's slots and the raw consumers alike"
                    + " (default 500, the slots' default)")
    Integer sharePollMs;

    @Option(names = "--drain-tasks", description = "override the profile's backlog size")
    Integer drainTasks;

    @Option(names = "--connections", description = "override the profile's idle connections")
    Integer connections;

    @Option(names = "--tenants", description = "override the profile's tenant topics of the scale run")
    Integer tenants;

    @Option(
            names = "--out",
            defaultValue = "benchmarks/target",
            description = "report directory (default ${DEFAULT-VALUE})")
    Path out;

    /** Where the stack under test comes from. */
    enum Against {
        /** asset-api, dispatcher and gateway started in this JVM on an in-JVM broker and Redis. */
        in_jvm,
        /** A stack that already runs, e.g. under ./dsp up. */
        running
    }

    @Option(
            names = "--against",
            defaultValue = "in_jvm",
            converter = AgainstConverter.class,
            description = "in-jvm (default): start the stack in this JVM; running: measure a stack that already runs"
                    + " (./dsp up --without=gpu-consumer; see benchmarks/README.md for what it needs)")
    Against against;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "127.0.0.1:9092",
            description = "running: the stack's Kafka (default ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(
            names = "--kafka-config",
            description = "running: a properties file of further Kafka client settings (e.g. security.protocol,"
                    + " sasl.*), applied to every client the bench makes, the raw side's too")
    Path kafkaConfig;

    @Option(
            names = "--asset-api",
            defaultValue = "http://127.0.0.1:8080",
            description = "running: asset-api's base URL (default ${DEFAULT-VALUE})")
    String assetApi;

    @Option(
            names = "--gateway",
            defaultValue = "ws://127.0.0.1:9501/dsp",
            description = "running: the gateway's legacy WebSocket endpoint (default ${DEFAULT-VALUE})")
    String gateway;

    @Option(
            names = "--data-dir",
            description = "running: a ./dsp up data dir; its demo-license-key is the license and"
                    + " secrets/dsp.fleet.token the worker's token, unless the options below say otherwise")
    Path dataDir;

    @Option(
            names = "--license-key-file",
            description = "running: a file holding the license the families submit under (when the bench creates no"
                    + " licenses of its own)")
    Path licenseKeyFile;

    @Option(
            names = "--fleet-token-file",
            description = "running: a file holding a fleet token (dsp.fleet.token) the bench's legacy worker registers"
                    + " with; without one it must come from a tokenless network (loopback by default)")
    Path fleetTokenFile;

    @Option(
            names = "--admin-token-file",
            description = "running: a file holding asset-api's admin token (dsp.asset-api.admin-token; or"
                    + " DSP_BENCH_ADMIN_TOKEN): the bench then creates a license per family, and the many of"
                    + " tenants, and disables them at the end")
    Path adminTokenFile;

    @Option(
            names = "--machine-code",
            defaultValue = StackUnderTest.MACHINE_CODE,
            description = "running: X-Machine-Code of the bench's HTTP calls; a license binds the first one it sees"
                    + " (default ${DEFAULT-VALUE})")
    String machineCode;

    /** Accepts in-jvm as well as in_jvm. */
    static final class AgainstConverter implements CommandLine.ITypeConverter<Against> {
        @Override
        public Against convert(String value) {
            return Against.valueOf(value.trim().toLowerCase(Locale.ROOT).replace('-', '_'));
        }
    }

    Report report;

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("result-transfer")) {
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            System.exit(new CommandLine(new ResultTransferBenchmark()).execute(rest));
        }
        if (args.length > 0 && args[0].equals("release-latency")) {
            // the earlier accepted -> dsp.dispatch benchmark, kept as a subcommand
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            System.exit(new CommandLine(new DispatchLatencyBenchmark()).execute(rest));
        }
        if (java.util.Arrays.stream(args).anyMatch(a -> a.startsWith("--rate") || a.startsWith("--seconds"))) {
            // the earlier command line (root README): --tenants --rate --seconds meant release-latency
            System.exit(new CommandLine(new DispatchLatencyBenchmark()).execute(args));
        }
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    Profile profile() {
        Profile p = smoke ? Profile.SMOKE : quick ? Profile.QUICK : Profile.FULL;
        return new Profile(
                p.name(),
                p.rate(),
                p.seconds(),
                p.warmup(),
                p.slots(),
                tenants != null ? tenants : p.tenants(),
                p.intakeConcurrency(),
                p.intakeSeconds(),
                drainTasks != null ? drainTasks : p.drainTasks(),
                connections != null ? connections : p.connections(),
                repeats != null ? Math.max(1, repeats) : p.repeats(),
                sharePollMs != null ? sharePollMs : p.sharePollMs(),
                p.saturation());
    }

    @Override
    public Integer call() throws Exception {
        Profile profile = profile();
        Set<Scenario> chosen = scenarios.contains(Scenario.all)
                ? EnumSet.complementOf(EnumSet.of(Scenario.all))
                : EnumSet.copyOf(scenarios);
        report = new Report(profile);
        long started = System.nanoTime();
        report.note(settings(profile));
        try (StackUnderTest stack = stack(profile)) {
            report.stack(stack.describe());
            Set<Scenario> runs = EnumSet.noneOf(Scenario.class);
            for (Scenario scenario : chosen) {
                Optional<String> why = stack.unsupported(scenario, profile);
                if (why.isPresent()) {
                    report.note("Skipped " + scenario + ": " + why.get() + ".");
                    System.out.println("[bench] skipped " + scenario + ": " + why.get());
                } else {
                    runs.add(scenario);
                }
            }
            if (runs.contains(Scenario.connections)) {
                connections(profile, stack);
            }
            if (runs.contains(Scenario.dispatch) || runs.contains(Scenario.tenants)) {
                dispatch(profile, stack, runs);
            }
            if (runs.contains(Scenario.intake)) {
                intake(profile, stack);
            }
            if (runs.contains(Scenario.drain)) {
                drain(profile, stack);
            }
            if (runs.contains(Scenario.utilisation)) {
                utilisation(profile, stack);
            }
        } finally {
            report.note(String.format(Locale.ROOT, "Whole run took %.0f s.", (System.nanoTime() - started) / 1e9));
            report.write(out);
            System.out.println(report.markdown());
        }
        return 0;
    }

    /** The stack under test: started here, or the running one, checked before anything is measured. */
    StackUnderTest stack(Profile profile) throws Exception {
        if (against == Against.in_jvm) {
            return new InJvmStack(profile.sharePollTimeout());
        }
        Path license = licenseKeyFile;
        Path token = fleetTokenFile;
        if (dataDir != null) {
            if (!Files.isDirectory(dataDir)) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--data-dir " + dataDir + " is no directory");
            }
            if (license == null) {
                license = dataDir.resolve("demo-license-key");
            }
            if (token == null && Files.isRegularFile(dataDir.resolve("secrets").resolve("dsp.fleet.token"))) {
                token = dataDir.resolve("secrets").resolve("dsp.fleet.token");
            }
        }
        String adminToken = System.getenv("DSP_BENCH_ADMIN_TOKEN");
        if (adminTokenFile != null) {
            adminToken = Files.readString(adminTokenFile).strip();
        }
        if (adminToken != null && adminToken.isBlank()) {
            adminToken = null;
        }
        return RunningStack.open(
                new RunningStack.Target(
                        bootstrapServers,
                        kafkaConfig,
                        assetApi.replaceAll("/+$", ""),
                        gateway,
                        license,
                        token,
                        adminToken,
                        machineCode),
                profile);
    }

    private void connections(Profile profile, StackUnderTest stack) throws Exception {
        String license = stack.licenses("bench-idle", 1).get(0);
        Connections.Result r = new Connections(stack).run(license, profile.connections());
        String held = r.held() + " of " + r.asked() + " held" + (r.failed() > 0 ? ", " + r.failed() + " refused" : "");
        report.add(new Report.Row("connections", "idle client connections held", "count", r.held(), Double.NaN, held));
        report.add(new Report.Row(
                "connections",
                "gateway JVM heap after GC, held - before",
                "MiB",
                r.heapMib(),
                Double.NaN,
                String.format(Locale.ROOT, "%.1f KiB per connection", r.heapKibPerConnection())));
        report.add(new Report.Row(
                "connections",
                "worker register -> gpu.power.online at the last client",
                "ms",
                r.broadcastMs(),
                Double.NaN,
                r.online() + " connections got it"));
    }

    /** What both sides share, named once: every one of these is applied to both. */
    private static String settings(Profile profile) {
        return String.format(
                Locale.ROOT,
                "Both sides, every family: producers acks=all, idempotent, linger 0; task records of the same Avro"
                        + " schema and task type (%d bytes raw); share consumers with the fleet's slot settings"
                        + " (share.acquire.mode=record_limit, max.poll.records=1, fetch.max.wait.ms="
                        + Groups.SLOT_FETCH_MAX_WAIT_MS + " (dsp.gateway.fetch-max-wait and"
                        + " dsp.gpu-consumer.fetch-max-wait at their default on the system's side), explicit"
                        + " acknowledgement, each ACCEPT"
                        + " riding on the next poll as a slot's does, ADR 034), one thread each, polling at most %d ms"
                        + " (dsp.gateway.poll-timeout and dsp.gpu-consumer.poll-timeout on the system's side), in share"
                        + " groups with share.auto.offset.reset=earliest and share.isolation.level=read_committed;"
                        + " in dispatch, tenants and utilisation, forwarding in transactions only into free consumers"
                        + " (the dispatcher's window: its free slots plus its prefetch, dsp.dispatcher.prefetch and"
                        + " prefetch-per-slot as the stack under test has them). %d run(s) per side, raw first,"
                        + " alternating%s.",
                DispatchScenario.taskValue().length,
                profile.sharePollMs(),
                profile.repeats(),
                profile.warmsUp()
                        ? "; in dispatch, intake and utilisation, after one unmeasured run of each path"
                        : "");
    }

    private void dispatch(Profile profile, StackUnderTest stack, Set<Scenario> chosen) throws Exception {
        try (BenchWorker worker = new BenchWorker(stack.wsUrl(), profile.slots(), stack.fleetToken())) {
            DispatchScenario scenario = new DispatchScenario(profile, stack, worker);
            String note = profile.rate() + " tasks/s for " + profile.seconds() + " s per run, worker with "
                    + profile.slots() + " slots vs " + profile.slots() + " raw share consumers";
            List<String> one = stack.licenses("bench-one", 1);
            boolean websocket = chosen.contains(Scenario.dispatch);
            String wsLicense = websocket ? stack.licenses("bench-ws", 1).get(0) : null;
            List<DispatchScenario.Result> http1 = new ArrayList<>();
            List<DispatchScenario.Result> raw1 = new ArrayList<>();
            List<DispatchScenario.Result> forwarded = new ArrayList<>();
            List<DispatchScenario.Result> ws = new ArrayList<>();
            List<DispatchScenario.Result> rawFromSend = new ArrayList<>();
            try (DispatchScenario.RawSide side = scenario.rawSide(1, one.get(0))) {
                // One unmeasured run of each path first: the first runs of a JVM pay for JIT compilation (seen: a cold
                // raw run's p99 93 ms against 10 ms warm, a cold STARTED acknowledged after 135 ms), and a cold raw
                // run in the medians would flatter the system.
                if (profile.warmsUp()) {
                    System.out.println("[bench] dispatch warm-up: one unmeasured run of each path");
                    scenario.raw(side);
                    scenario.http(one);
                    if (websocket) {
                        scenario.websocket(wsLicense);
                    }
                }
                for (int i = 0; i < profile.repeats(); i++) {
                    raw1.add(scenario.raw(side));
                    forwarded.add(scenario.lastRawForwarded);
                    rawFromSend.add(scenario.lastRawFromSend);
                    http1.add(scenario.http(one));
                    if (websocket) {
                        ws.add(scenario.websocket(wsLicense));
                    }
                }
            }
            rows("dispatch", "HTTP accepted -> legacy worker frame, 1 tenant", http1, raw1, note);
            Spread rawP50 = DispatchScenario.Result.spread(raw1, DispatchScenario.Result::p50);
            Spread rawP99 = DispatchScenario.Result.spread(raw1, DispatchScenario.Result::p99);
            boolean anyKeptUp = raw1.stream().anyMatch(DispatchScenario.Result::keptUp);
            // the runs the rows count (those that kept up), or all of them when none did
            List<DispatchScenario.Result> explained = new ArrayList<>();
            List<DispatchScenario.Result> explainedForwarded = new ArrayList<>();
            for (int i = 0; i < raw1.size(); i++) {
                if (!anyKeptUp || raw1.get(i).keptUp()) {
                    explained.add(raw1.get(i));
                    explainedForwarded.add(forwarded.get(i));
                }
            }
            report.note(String.format(
                    Locale.ROOT,
                    "Where the raw clients' dispatch time goes (1 tenant, medians of the %s): acknowledged ->"
                            + " forwarded and visible read committed in their dispatch topic (waiting for a free"
                            + " consumer included) p50 %.1f ms / p99 %.1f ms; the rest, up to p50 %.1f ms / p99 %.1f"
                            + " ms, is the share hop (%d share consumers, one record per poll, on one partition).",
                    anyKeptUp ? "runs that kept up" : "runs, none of which kept up",
                    DispatchScenario.Result.all(explainedForwarded, DispatchScenario.Result::p50)
                            .median(),
                    DispatchScenario.Result.all(explainedForwarded, DispatchScenario.Result::p99)
                            .median(),
                    DispatchScenario.Result.all(explained, DispatchScenario.Result::p50)
                            .median(),
                    DispatchScenario.Result.all(explained, DispatchScenario.Result::p99)
                            .median(),
                    profile.slots()));
            Spread systemP99 = DispatchScenario.Result.all(http1, DispatchScenario.Result::p99);
            againstRaw(
                    "dispatch p99 within 2x raw, HTTP",
                    "system p99 / raw p99 <= 2 (medians)",
                    systemP99.median() / rawP99.median(),
                    raw1,
                    2.0,
                    "the system adds an HTTP call, the ledger check and STARTED before the hand-over, and the"
                            + " WebSocket hop; the raw consumers hand the record out at once");
            if (websocket) {
                // Timed from the client's send, the intake transaction included: its raw counterpart is timed from the
                // raw producer's send, where the HTTP path (from the 202) is compared with raw from the
                // acknowledgement.
                rows(
                        "dispatch",
                        "client WebSocket submit -> legacy worker frame, 1 tenant",
                        ws,
                        rawFromSend,
                        note + "; raw timed from its producer's send, as the submit is from the client's");
                // the target names both paths a user feels; each is judged on its own
                againstRaw(
                        "dispatch p99 within 2x raw, WebSocket",
                        "system p99 / raw p99 <= 2 (medians)",
                        DispatchScenario.Result.all(ws, DispatchScenario.Result::p99)
                                        .median()
                                / DispatchScenario.Result.spread(rawFromSend, DispatchScenario.Result::p99)
                                        .median(),
                        rawFromSend,
                        2.0,
                        "besides the HTTP path's steps, the submit frame crosses the gateway's session and its"
                                + " intake before the task is written");
            }
            latencyChart(
                    "dispatch",
                    "dispatch, 1 tenant: latency distribution of every run",
                    "dispatch-latency.png",
                    http1,
                    ws,
                    raw1);
            fastDispatch(profile, stack, worker, one);
            if (chosen.contains(Scenario.tenants)) {
                List<String> many = stack.licenses("bench-many", profile.tenants());
                List<DispatchScenario.Result> httpN = new ArrayList<>();
                List<DispatchScenario.Result> rawN = new ArrayList<>();
                try (DispatchScenario.RawSide side = scenario.rawSide(profile.tenants(), many.get(0))) {
                    for (int i = 0; i < profile.repeats(); i++) {
                        rawN.add(scenario.raw(side));
                        httpN.add(scenario.http(many));
                    }
                }
                rows(
                        "tenants",
                        "HTTP accepted -> legacy worker frame, " + profile.tenants() + " tenants",
                        httpN,
                        rawN,
                        note);
                double systemScale = DispatchScenario.Result.all(httpN, DispatchScenario.Result::p99)
                                .median()
                        / systemP99.median();
                double rawScale = DispatchScenario.Result.spread(rawN, DispatchScenario.Result::p99)
                                .median()
                        / rawP99.median();
                report.add(new Report.Row(
                        "tenants",
                        "p99 at " + profile.tenants() + " tenants / p99 at 1 tenant (medians)",
                        "x",
                        systemScale,
                        rawScale,
                        Double.isNaN(rawScale)
                                ? "system column: the system's own ratio; raw column invalid: no raw run kept up at "
                                        + (rawN.stream().noneMatch(DispatchScenario.Result::keptUp)
                                                ? profile.tenants() + " tenants"
                                                : "1 tenant")
                                : "system column: the system's own ratio; raw column: raw clients' own ratio (runs"
                                        + " that kept up)"));
                target(
                        profile.tenants() + " tenants within 2x of one",
                        "system p99 at " + profile.tenants() + " tenants / at 1 <= 2 (medians)",
                        systemScale,
                        2.0,
                        "the dispatcher's classic group fetches from every tenant partition");
                latencyChart(
                        "tenants",
                        "tenants, " + profile.tenants() + " tenants: latency distribution of every run",
                        "tenants-latency.png",
                        httpN,
                        List.of(),
                        rawN);
            }
        }
        // the legacy worker's slots leave the fleet group before anything else uses it
        stack.awaitFleetMembers(0);
        stack.requireNotRateLimited("dispatch");
    }

    /**
     * The HTTP path again at {@link Profile#FAST_RATE} tasks/s, the second rate, raw and system alternating on
     * the same worker and slots. The WebSocket path is not run at this rate: its four app connections would each send
     * at the gateway's per-connection frame limit.
     */
    private void fastDispatch(Profile profile, StackUnderTest stack, BenchWorker worker, List<String> one)
            throws Exception {
        Profile fast = profile.fast();
        DispatchScenario scenario = new DispatchScenario(fast, stack, worker);
        List<DispatchScenario.Result> http = new ArrayList<>();
        List<DispatchScenario.Result> raw = new ArrayList<>();
        try (DispatchScenario.RawSide side = scenario.rawSide(1, one.get(0))) {
            for (int i = 0; i < fast.repeats(); i++) {
                raw.add(scenario.raw(side));
                http.add(scenario.http(one));
            }
        }
        String what = "HTTP accepted -> legacy worker frame, 1 tenant, " + fast.rate() + " tasks/s";
        rows(
                "dispatch",
                what,
                http,
                raw,
                fast.rate() + " tasks/s for " + fast.seconds() + " s per run, worker with " + fast.slots()
                        + " slots vs " + fast.slots() + " raw share consumers");
        againstRaw(
                "dispatch p99 within 2x raw at " + fast.rate() + " tasks/s, HTTP",
                "system p99 / raw p99 <= 2 (medians)",
                DispatchScenario.Result.all(http, DispatchScenario.Result::p99).median()
                        / DispatchScenario.Result.spread(raw, DispatchScenario.Result::p99)
                                .median(),
                raw,
                2.0,
                "each slot's hand-over (ledger check, STARTED, confirmation, then the outcome and its ACCEPT) adds"
                        + " round trips and CPU on the machine the broker shares, and a slot busy with one task delays"
                        + " the next");
    }

    /** p50, p99 and p99.9 of both sides: medians of the runs (raw: of those that kept up), with their spreads. */
    private void rows(
            String scenario,
            String what,
            List<DispatchScenario.Result> system,
            List<DispatchScenario.Result> raw,
            String note) {
        StringBuilder counts = new StringBuilder(note)
                .append("; arrived per run: system ")
                .append(arrivals(system))
                .append(", raw ")
                .append(arrivals(raw));
        for (DispatchScenario.Result s : system) {
            if (!s.keptUp()) {
                counts.append("; a system run did not keep up: ").append(behind(s));
            }
        }
        long keptUp = raw.stream().filter(DispatchScenario.Result::keptUp).count();
        if (keptUp == 0) {
            counts.append("; ").append(invalidRaw(raw));
        } else if (keptUp < raw.size()) {
            counts.append("; raw runs excluded: ");
            counts.append(String.join(
                    ", ",
                    raw.stream().filter(r -> !r.keptUp()).map(Bench::behind).toList()));
        }
        report.add(Report.Row.of(
                scenario,
                what + " p50",
                "ms",
                DispatchScenario.Result.all(system, DispatchScenario.Result::p50),
                DispatchScenario.Result.spread(raw, DispatchScenario.Result::p50),
                counts.toString()));
        report.add(Report.Row.of(
                scenario,
                what + " p99",
                "ms",
                DispatchScenario.Result.all(system, DispatchScenario.Result::p99),
                DispatchScenario.Result.spread(raw, DispatchScenario.Result::p99),
                ""));
        report.add(Report.Row.of(
                scenario,
                what + " p99.9",
                "ms",
                DispatchScenario.Result.all(system, DispatchScenario.Result::p999),
                DispatchScenario.Result.spread(raw, DispatchScenario.Result::p999),
                ""));
    }

    private static String arrivals(List<DispatchScenario.Result> runs) {
        return String.join(
                ", ", runs.stream().map(r -> r.arrived() + "/" + r.accepted()).toList());
    }

    /** Each run's distribution, system (and WebSocket) against raw; a raw run that did not keep up is dashed. */
    private void latencyChart(
            String scenario,
            String title,
            String file,
            List<DispatchScenario.Result> system,
            List<DispatchScenario.Result> websocket,
            List<DispatchScenario.Result> raw) {
        List<Charts.Series> series = new ArrayList<>();
        for (int i = 0; i < system.size(); i++) {
            series.add(cdf("system", i, system.get(i), Charts.SYSTEM));
        }
        for (int i = 0; i < websocket.size(); i++) {
            series.add(cdf("WebSocket", i, websocket.get(i), Charts.OTHER));
        }
        for (int i = 0; i < raw.size(); i++) {
            series.add(cdf("raw", i, raw.get(i), Charts.RAW));
        }
        Charts.Chart chart = new Charts.Chart(
                title, "latency, ms (log scale)", "share of the run's tasks arrived", true, 0, 1, series);
        report.chart(
                scenario,
                title,
                file,
                Charts.render(chart, Charts.WIDTH, Charts.HEIGHT),
                "The cumulative distribution of each run's latencies: the share of its tasks (y) that had arrived"
                        + " within x ms; blue the system over HTTP, green over WebSocket, orange the raw clients, in"
                        + " run order. Dashed: a run that did not keep up with the offered rate (a raw one is left out"
                        + " of the medians).");
    }

    private static Charts.Series cdf(String side, int run, DispatchScenario.Result result, java.awt.Color[] colors) {
        String name = String.format(
                Locale.ROOT,
                "%s run %d: p50 %s / p99 %s ms%s",
                side,
                run + 1,
                Report.number(result.p50()),
                Report.number(result.p99()),
                result.keptUp() ? "" : " (behind)");
        return Charts.cdf(name, colors[run % colors.length], !result.keptUp(), result.millis());
    }

    private void intake(Profile profile, StackUnderTest stack) throws Exception {
        String license = stack.licenses("bench-intake", 1).get(0);
        Intake intake = new Intake(profile, stack);
        List<Intake.Result> raw = new ArrayList<>();
        List<Intake.Result> system = new ArrayList<>();
        boolean queued;
        try (Intake.RawSide side = intake.rawSide(license)) {
            queued = intake.answersQueued(license);
            if (profile.warmsUp()) {
                intake.warmUp(side, license, queued);
            }
            for (int i = 0; i < profile.repeats(); i++) {
                raw.add(intake.raw(side, license, queued));
                system.add(intake.system(license));
            }
        } finally {
            // nothing ran the system's tasks while intake measured
            stack.leaveAsFound(license, intake.accepted(), profile);
        }
        stack.requireNotRateLimited("intake");
        Spread systemRate =
                Spread.of(system.stream().map(Intake.Result::perSecond).toList());
        Spread rawRate = Spread.of(raw.stream().map(Intake.Result::perSecond).toList());
        int records = queued ? 3 : 2;
        report.add(Report.Row.of(
                "intake",
                "POST /api/v1/tasks (acks=all) vs raw KafkaProducer, same records, synchronous senders",
                "tasks/s",
                systemRate,
                rawRate,
                String.format(
                        Locale.ROOT,
                        "%d synchronous senders per side for %d s: %d concurrent HTTP requests, each answered before"
                                + " its sender's next; %d threads sharing one producer with asset-api's settings, each"
                                + " sending a task's %d records at once and waiting for their acknowledgements before"
                                + " its next task; errors %d system, %d raw",
                        profile.intakeConcurrency(),
                        profile.intakeSeconds(),
                        profile.intakeConcurrency(),
                        profile.intakeConcurrency(),
                        records,
                        system.stream().mapToInt(Intake.Result::errors).sum(),
                        raw.stream().mapToInt(Intake.Result::errors).sum())));
        target(
                "intake >= 50% of raw producer",
                "system / raw >= 0.5 (medians)",
                systemRate.median() / rawRate.median(),
                -0.5,
                "each request also authenticates the license (read model), checks the rate limit in Redis and"
                        + " serialises JSON over HTTP on the same CPUs as the broker");
    }

    private void drain(Profile profile, StackUnderTest stack) throws Exception {
        Drain drain = new Drain(stack, profile.drainTasks(), profile.sharePollTimeout());
        // the first drain of a JVM runs cold (JIT, broker caches): one small untimed run first
        new Drain(stack, Math.min(2_000, profile.drainTasks()), profile.sharePollTimeout()).raw(Drain.SLOTS);
        String note = String.format(
                Locale.ROOT, "%,d queued heygem_submit tasks, simulated engine, zero work time", profile.drainTasks());
        double worst = Double.POSITIVE_INFINITY;
        for (int workers : new int[] {1, 4}) {
            List<Drain.Run> raw = new ArrayList<>();
            List<Drain.Run> system = new ArrayList<>();
            for (int i = 0; i < profile.repeats(); i++) {
                raw.add(drain.raw(workers * Drain.SLOTS));
                system.add(drain.workers(workers));
            }
            String what = workers == 1
                    ? "1 worker (3 slots) vs 3 raw share consumers"
                    : workers + " workers (" + workers * Drain.SLOTS + " slots) vs " + workers * Drain.SLOTS
                            + " raw share consumers";
            Spread systemRate =
                    Spread.of(system.stream().map(Drain.Run::perSecond).toList());
            Spread rawRate = Spread.of(raw.stream().map(Drain.Run::perSecond).toList());
            report.add(Report.Row.of("drain", what, "tasks/s", systemRate, rawRate, note));
            Spread busy =
                    Spread.of(system.stream().map(r -> 100 * meanUtilisation(r)).toList());
            // no raw column: with zero work time a raw consumer is busy only from the poll that handed the record
            // out to its acknowledge() call, its ACCEPT riding on the next poll (ADR 034), so its share is ~0%
            report.add(new Report.Row(
                    "drain",
                    what + ", mean slot utilisation",
                    "%",
                    busy.median(),
                    Double.NaN,
                    "busy slot time / slot time over the drain, per 100 ms; a worker's slot is busy from a task's"
                            + " STARTED to its SUCCEEDED (dsp.task-events); no raw figure: a raw consumer with zero"
                            + " work time is busy only between the poll and its acknowledge() call (its ACCEPT rides on"
                            + " the next poll), about 0%, and the chart shows it so",
                    busy,
                    null));
            worst = Math.min(worst, systemRate.median() / rawRate.median());
            report.note(handOverNote(
                    "drain, " + what, system.stream().map(Drain.Run::handOver).toList()));
            utilisationChart(workers, what, system, raw);
        }
        target(
                "drain >= 50% of raw share consumer",
                "worker / raw >= 0.5 (1 and 4 workers, medians; the lower shown; issue 18)",
                worst,
                -0.5,
                "per task a slot makes five broker round trips in a row where a raw consumer makes one (the fetch,"
                        + " its ACCEPT riding on it): the ledger's look (ListOffsets, then its view catching up),"
                        + " STARTED, the lock's confirmation (RENEW, commit, poll; ADR 023) and SUCCEEDED, each"
                        + " acknowledged before the next (exactly-once effects, ADR 006); the notes time each step");
    }

    private void utilisation(Profile profile, StackUnderTest stack) throws Exception {
        Profile.Saturation size = profile.saturation();
        SaturatedFleet fleet =
                new SaturatedFleet(stack, stack.licenses("bench-busy", 1).get(0), size, profile.sharePollTimeout());
        if (profile.warmsUp()) {
            // A cold JVM's first runs pay for JIT compilation on both sides: one unmeasured run of each first, as long
            // as a measured one. A two-round warm-up left the system's first measured run colder than the rest (two
            // full runs: 94.97% and 95.36% work share at 35-39% CPU, against 97.1-97.6% at 21-26% after it).
            SaturatedFleet warmUp = new SaturatedFleet(
                    stack, stack.licenses("bench-busy-warm-up", 1).get(0), size, profile.sharePollTimeout());
            warmUp.raw();
            warmUp.system();
        }
        List<SaturatedFleet.Run> raw = new ArrayList<>();
        List<SaturatedFleet.Run> system = new ArrayList<>();
        for (int i = 0; i < profile.repeats(); i++) {
            raw.add(fleet.raw());
            system.add(fleet.system());
        }
        String work = Report.number(size.work().toMillis() / 1e3) + " s";
        String what = String.format(
                Locale.ROOT,
                "%d workers x %d slots vs %d raw share consumers, %s tasks",
                size.workers(),
                size.slotsPerWorker(),
                size.slots(),
                work);
        String note = String.format(
                Locale.ROOT,
                "%,d queued heygem_submit tasks per run, the system's accepted into a tenant topic and released by the"
                        + " dispatcher as slots free, the raw side's by a raw forwarder with the same window; a"
                        + " worker's slot works from the simulated engine's first progress to its last (processing ->"
                        + " done in dsp.task-events), a raw consumer while asleep between the poll that handed the"
                        + " record out and its ACCEPT; measured while tasks waited: from the %d-th start to the last",
                size.tasks(),
                size.slots());
        Spread systemShare =
                Spread.of(system.stream().map(r -> 100 * r.workShare()).toList());
        report.add(Report.Row.of(
                "utilisation",
                what + ", work time / slot time",
                "%",
                systemShare,
                Spread.of(raw.stream().map(r -> 100 * r.workShare()).toList()),
                note));
        report.add(Report.Row.of(
                "utilisation",
                what + ", idle slot time per task",
                "ms",
                Spread.of(system.stream()
                        .map(SaturatedFleet.Run::idlePerTaskMillis)
                        .toList()),
                Spread.of(
                        raw.stream().map(SaturatedFleet.Run::idlePerTaskMillis).toList()),
                "slot time in the window not spent working, divided by the tasks that started in it: the hand-over"
                        + " a GPU waits through between two tasks"));
        report.add(Report.Row.of(
                "utilisation",
                what + ", machine CPU busy",
                "%",
                Spread.of(system.stream().map(r -> 100 * r.cpuLoad()).toList()),
                Spread.of(raw.stream().map(r -> 100 * r.cpuLoad()).toList()),
                "the whole machine's CPU load, sampled every 250 ms from the backlog's acceptance to its last task:"
                        + " the broker and the services share the CPUs with the side that runs"));
        target(
                saturationTarget(size),
                "system work time / slot time >= 98% while tasks wait (median)",
                systemShare.median(),
                -98,
                "between two tasks a slot fetches the next (its ACCEPT of the last riding on that fetch), checks the"
                        + " ledger (a read barrier), records STARTED and confirms its lock before the engine starts, and"
                        + " records SUCCEEDED after it: five broker round trips in a row, each slowed where every slot"
                        + " hands over at once (the notes time each step)");
        report.note(handOverNote(
                "utilisation", system.stream().map(SaturatedFleet.Run::handOver).toList()));
        saturationChart(what, system, raw);
    }

    /** The note on where the system's hand-over went in {@code family}: each run's step means, runs in order. */
    static String handOverNote(String family, List<Optional<String>> runs) {
        return "Where the system's hand-over went in " + family + " (" + MetricNames.HANDOVER
                + ", the mean of each step over every task of a run, runs in order; fetch: the last task's end to the"
                + " next one in hand, counted only for a slot that had just ended one, so it includes waiting for a"
                + " release): "
                + runs.stream().map(r -> r.orElse("?")).collect(java.util.stream.Collectors.joining("; "))
                + ".";
    }

    /** The utilisation target's name at a fleet's size. */
    static String saturationTarget(Profile.Saturation size) {
        return String.format(
                Locale.ROOT,
                "slots busy >= 98%% with %s s tasks, %d slots",
                Report.number(size.work().toMillis() / 1e3),
                size.slots());
    }

    /** The median run of each side: working slots / slots per 100 ms over the whole run, ramps included. */
    private void saturationChart(String what, List<SaturatedFleet.Run> system, List<SaturatedFleet.Run> raw) {
        SaturatedFleet.Run s = system.get(Spread.medianRun(
                system.stream().map(SaturatedFleet.Run::workShare).toList()));
        SaturatedFleet.Run r = raw.get(
                Spread.medianRun(raw.stream().map(SaturatedFleet.Run::workShare).toList()));
        List<Charts.Series> series = List.of(
                Charts.overTime(
                        String.format(
                                Locale.ROOT,
                                "system, %d slots: %s%% while tasks waited",
                                s.slots(),
                                Report.number(100 * s.workShare())),
                        Charts.SYSTEM[0],
                        false,
                        Utilisation.buckets(s.busy(), BUCKET_MICROS, s.slots()),
                        BUCKET_MICROS / 1e6),
                Charts.overTime(
                        String.format(
                                Locale.ROOT,
                                "raw, %d consumers: %s%% while tasks waited",
                                r.slots(),
                                Report.number(100 * r.workShare())),
                        Charts.RAW[0],
                        false,
                        Utilisation.buckets(r.busy(), BUCKET_MICROS, r.slots()),
                        BUCKET_MICROS / 1e6));
        String title = "utilisation, " + what + ": working slots over time";
        Charts.Chart chart = new Charts.Chart(
                title,
                "seconds since the first task started",
                "working slots / slots (per 100 ms)",
                false,
                0,
                1,
                series);
        report.chart(
                "utilisation",
                title,
                "utilisation.png",
                Charts.render(chart, Charts.WIDTH, Charts.HEIGHT),
                "The median run of each side, from the first task's start to the last one's end: the ramp up while"
                        + " the first tasks are handed out, the plateau while tasks wait (where the share is"
                        + " measured), the ramp down once the backlog is gone. Working: the simulated engine's"
                        + " progress from processing to done on a worker, asleep on a raw consumer.");
    }

    static final long BUCKET_MICROS = 100_000;

    private static double meanUtilisation(Drain.Run run) {
        return Utilisation.mean(Utilisation.buckets(run.busy(), BUCKET_MICROS, run.slots()));
    }

    /** The typical (median-rate) run of each side: busy slots / slots per 100 ms over the drain. */
    private void utilisationChart(int workers, String what, List<Drain.Run> system, List<Drain.Run> raw) {
        List<Charts.Series> series = new ArrayList<>();
        Drain.Run s = system.get(
                Spread.medianRun(system.stream().map(Drain.Run::perSecond).toList()));
        Drain.Run r =
                raw.get(Spread.medianRun(raw.stream().map(Drain.Run::perSecond).toList()));
        series.add(Charts.overTime(
                String.format(Locale.ROOT, "system, %d slots: %s tasks/s", s.slots(), Report.number(s.perSecond())),
                Charts.SYSTEM[0],
                false,
                Utilisation.buckets(s.busy(), BUCKET_MICROS, s.slots()),
                BUCKET_MICROS / 1e6));
        series.add(Charts.overTime(
                String.format(Locale.ROOT, "raw, %d consumers: %s tasks/s", r.slots(), Report.number(r.perSecond())),
                Charts.RAW[0],
                false,
                Utilisation.buckets(r.busy(), BUCKET_MICROS, r.slots()),
                BUCKET_MICROS / 1e6));
        String title = "drain, " + what + ": fleet utilisation over time";
        double top = series.stream()
                .flatMapToDouble(x -> java.util.Arrays.stream(x.y()))
                .max()
                .orElse(1);
        Charts.Chart chart = new Charts.Chart(
                title,
                "seconds since the first task started",
                "busy slots / slots (per 100 ms)",
                false,
                0,
                Math.max(1, top),
                series);
        report.chart(
                "drain",
                title,
                "drain-utilisation-" + workers + (workers == 1 ? "-worker" : "-workers") + ".png",
                Charts.render(chart, Charts.WIDTH, Charts.HEIGHT),
                "The median-rate run of each side. Busy: a worker's slot from a task's STARTED to its SUCCEEDED"
                        + " event, a raw consumer from the poll that handed the task out to its ACCEPT;"
                        + " what is not busy is acquiring, waiting or recording.");
    }

    /**
     * A ratio target against a raw side that must have kept up with the offered rate: otherwise the raw side measured
     * a growing queue, and the target is reported invalid instead of met or not.
     */
    private void againstRaw(
            String name, String rule, double measured, List<DispatchScenario.Result> raw, double limit, String whyNot) {
        if (raw.stream().noneMatch(DispatchScenario.Result::keptUp)) {
            report.target(name, rule, measured, false, invalidRaw(raw));
            return;
        }
        target(name, rule, measured, limit, whyNot);
    }

    static String invalidRaw(List<DispatchScenario.Result> raw) {
        return "invalid: no raw run kept up with the offered rate ("
                + String.join(", ", raw.stream().map(Bench::behind).toList())
                + "), so they measured a queue, not a latency";
    }

    /** How far a run fell behind: tasks on time, and how much its latency grew over the run. */
    static String behind(DispatchScenario.Result run) {
        return String.format(
                Locale.ROOT,
                "%d of %d tasks within %d ms of the last send, latency grew %.0f ms from the first to the last quarter,"
                        + " fastest tenth within %.0f ms",
                run.onTime(),
                run.accepted(),
                DispatchScenario.KEEP_UP_GRACE.toMillis(),
                run.lagGrowth(),
                run.p10());
    }

    /**
     * A ratio target: {@code limit > 0} means measured must be at most limit, {@code limit < 0} at least -limit.
     */
    private void target(String name, String rule, double measured, double limit, String whyNot) {
        boolean met = limit > 0 ? measured <= limit : measured >= -limit;
        report.target(name, rule, measured, met, met ? "" : whyNot);
    }
}
