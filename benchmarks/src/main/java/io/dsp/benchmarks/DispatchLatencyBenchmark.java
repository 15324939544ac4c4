package io.dsp.benchmarks;

import io.dsp.testkit.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Dispatch latency, HTTP-accepted to released into the dispatch topic, at many tenants and a fixed rate, next to raw
 * Kafka clients doing the same hop on the same in-JVM broker in the same run. Writes a JSON and a markdown report.
 */
@Command(
        name = "dispatch-latency",
        mixinStandardHelpOptions = true,
        description = "Accepted -> dispatched latency of the system vs a raw produce/forward/consume hop.")
public final class DispatchLatencyBenchmark implements Callable<Integer> {

    @Option(names = "--tenants", defaultValue = "1000", description = "tenant topics (default ${DEFAULT-VALUE})")
    int tenants;

    @Option(names = "--rate", defaultValue = "200", description = "tasks per second (default ${DEFAULT-VALUE})")
    int rate;

    @Option(
            names = "--seconds",
            defaultValue = "30",
            description = "measured seconds per side (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(
            names = "--warmup",
            defaultValue = "5",
            description = "unmeasured seconds per side (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(
            names = "--out",
            defaultValue = "benchmarks/target/dispatch-latency",
            description = "report path without extension")
    Path out;

    public static void main(String[] args) {
        int code = new CommandLine(new DispatchLatencyBenchmark()).execute(args);
        System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        if (tenants < 1 || rate < 1 || seconds < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "tenants, rate and seconds must be positive");
        }
        KafkaTestBroker.get();
        Result raw = runRaw();
        Result system = runSystem();
        report(raw, system);
        return 0;
    }

    Result runRaw() throws Exception {
        byte[] value = new byte[300];
        // forwarding every record at once (no consumers count against a window); the raw tenant topics, like the
        // system's, have one partition, as dsp.dispatch has on the in-JVM broker
        try (RawHop hop =
                new RawHop(Broker.inJvm(), tenants, Integer.MAX_VALUE, io.dsp.schemas.topic.Topics.DISPATCH.name())) {
            awaitReady("raw forwarder owns every tenant topic", () -> hop.ready(tenants));
            Latencies warm = new Latencies();
            try (ArrivalTail tail = new ArrivalTail(Broker.inJvm(), hop.dispatchTopic(), warm)) {
                load(warmup, t -> hop.send(t, UUID.randomUUID().toString(), value, warm));
            }
            Latencies measured = new Latencies();
            try (ArrivalTail tail = new ArrivalTail(Broker.inJvm(), hop.dispatchTopic(), measured)) {
                load(seconds, t -> hop.send(t, UUID.randomUUID().toString(), value, measured));
                drain(measured);
            }
            return Result.of("raw clients", measured);
        }
    }

    Result runSystem() throws Exception {
        List<String> licenses = new ArrayList<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < tenants; i++) {
            licenses.add("bench-" + run + "-" + i);
        }
        try (SystemHop hop = new SystemHop(licenses)) {
            awaitReady("dispatcher owns every tenant topic and asset-api knows the licenses", () -> {
                try {
                    return hop.ready();
                } catch (Exception e) {
                    return false;
                }
            });
            Latencies warm = new Latencies();
            try (ArrivalTail tail =
                    new ArrivalTail(Broker.inJvm(), io.dsp.schemas.topic.Topics.DISPATCH.name(), warm)) {
                load(warmup, t -> hop.send(t, warm));
            }
            Latencies measured = new Latencies();
            try (ArrivalTail tail =
                    new ArrivalTail(Broker.inJvm(), io.dsp.schemas.topic.Topics.DISPATCH.name(), measured)) {
                load(seconds, t -> hop.send(t, measured));
                drain(measured);
            }
            return Result.of("system (asset-api + dispatcher)", measured);
        }
    }

    /** Sends at the fixed rate to uniformly random tenants for the given seconds. */
    private void load(int forSeconds, IntConsumer send) throws InterruptedException {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        long periodNanos = 1_000_000_000L / rate;
        timer.scheduleAtFixedRate(
                () -> send.accept(ThreadLocalRandom.current().nextInt(tenants)), 0, periodNanos, TimeUnit.NANOSECONDS);
        timer.awaitTermination(forSeconds, TimeUnit.SECONDS);
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Waits (bounded) until the last answers are in and everything accepted has arrived. */
    private static void drain(Latencies latencies) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int lastStarted = -1;
        while (System.nanoTime() < deadline) {
            int started = latencies.startedCount();
            if (started == lastStarted && latencies.completeCount() == started) {
                return;
            }
            lastStarted = started;
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    private static void awaitReady(String what, java.util.function.BooleanSupplier ready) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not ready after 3 minutes: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private void report(Result raw, Result system) throws Exception {
        String json = String.format(
                Locale.ROOT,
                "{\"benchmark\":\"dispatch-latency\",\"at\":\"%s\",\"tenants\":%d,\"rate\":%d,\"seconds\":%d,"
                        + "\"raw\":%s,\"system\":%s,\"ratio\":{\"p50\":%.2f,\"p99\":%.2f,\"p999\":%.2f}}%n",
                Instant.now(),
                tenants,
                rate,
                seconds,
                raw.json(),
                system.json(),
                system.p50 / raw.p50,
                system.p99 / raw.p99,
                system.p999 / raw.p999);
        String markdown = String.format(
                Locale.ROOT,
                "# Dispatch latency: accepted -> in dsp.dispatch%n%n%d tenant topics, %d tasks/s for %d s (after %d s"
                        + " warm-up), one in-JVM KRaft broker, %s.%n%n| | tasks | p50 ms | p99 ms | p99.9 ms | max ms |%n"
                        + "|---|---|---|---|---|---|%n%s%n%s%n| **ratio system/raw** | | %.2f | %.2f | %.2f | |%n",
                tenants,
                rate,
                seconds,
                warmup,
                Instant.now(),
                raw.row(),
                system.row(),
                system.p50 / raw.p50,
                system.p99 / raw.p99,
                system.p999 / raw.p999);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(Path.of(out + ".json"), json, StandardCharsets.UTF_8);
        Files.writeString(Path.of(out + ".md"), markdown, StandardCharsets.UTF_8);
        System.out.println(markdown);
    }

    record Result(String name, int accepted, int arrived, double p50, double p99, double p999, double max) {

        static Result of(String name, Latencies latencies) {
            List<Double> ms = latencies.millis();
            return new Result(
                    name,
                    latencies.startedCount(),
                    ms.size(),
                    Latencies.percentile(ms, 50),
                    Latencies.percentile(ms, 99),
                    Latencies.percentile(ms, 99.9),
                    ms.isEmpty() ? Double.NaN : ms.get(ms.size() - 1));
        }

        String json() {
            return String.format(
                    Locale.ROOT,
                    "{\"accepted\":%d,\"arrived\":%d,\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"p999_ms\":%.1f,\"max_ms\":%.1f}",
                    accepted,
                    arrived,
                    p50,
                    p99,
                    p999,
                    max);
        }

        String row() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d/%d | %.1f | %.1f | %.1f | %.1f |",
                    name,
                    arrived,
                    accepted,
                    p50,
                    p99,
                    p999,
                    max);
        }
    }
}
