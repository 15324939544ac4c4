package io.dsp.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Dispatch latency at a fixed rate, end to end to a connected legacy worker: {@code POST /api/v1/tasks} answered
 * (Kafka holds the task) → the task frame arrives at the worker's WebSocket, through asset-api, the tenant topic, the
 * dispatcher's transactional release into {@code dsp.dispatch} and the gateway's share-group slot. Raw clients do the
 * same hops on the same broker: produce (acks=all) to one of as many tenant topics → a classic group forwards each
 * poll in a transaction → share consumers with the slots' settings take it from a one-partition topic.
 */
final class DispatchScenario {

    /** How soon after the last send a side that keeps up with the offered rate has delivered (nearly) everything. */
    static final Duration KEEP_UP_GRACE = Duration.ofSeconds(1);

    /** Share of the tasks that must have arrived by then: below it the side built a queue. */
    static final double KEEP_UP_SHARE = 0.95;

    /** Most the latency may grow from the first to the last quarter of a run of a side that keeps up. */
    static final double MAX_LAG_GROWTH_MS = 250;

    /**
     * Latencies of one side, and whether it kept up with the offered rate: {@code onTime} of {@code accepted} arrived
     * within {@link #KEEP_UP_GRACE} of the last send, and the latency of the last quarter of the run was not above the
     * first quarter's by more than {@link #MAX_LAG_GROWTH_MS} (or the run's p50), {@code lagGrowth} ms. A side that
     * did not measured a growing queue, not a latency.
     */
    record Result(
            String name,
            int accepted,
            int arrived,
            int onTime,
            double lagGrowth,
            double p50,
            double p99,
            double p999,
            double max) {

        static Result of(String name, Latencies latencies) {
            return of(name, latencies, Long.MAX_VALUE);
        }

        static Result of(String name, Latencies latencies, long keptUpBy) {
            List<Double> ms = latencies.millis();
            return new Result(
                    name,
                    latencies.startedCount(),
                    ms.size(),
                    latencies.endedBy(keptUpBy),
                    latencies.lagGrowthMillis(),
                    Latencies.percentile(ms, 50),
                    Latencies.percentile(ms, 99),
                    Latencies.percentile(ms, 99.9),
                    ms.isEmpty() ? Double.NaN : ms.get(ms.size() - 1));
        }

        /** Whether it delivered at the offered rate (see the class comment). */
        boolean keptUp() {
            return accepted > 0 && onTime >= KEEP_UP_SHARE * accepted && lagGrowth <= Math.max(MAX_LAG_GROWTH_MS, p50);
        }
    }

    private final Profile profile;
    private final BenchStack stack;
    private final BenchWorker worker;
    private final HttpClient http = HttpClient.newHttpClient();

    DispatchScenario(Profile profile, BenchStack stack, BenchWorker worker) {
        this.profile = profile;
        this.stack = stack;
        this.worker = worker;
    }

    /** Raw clients over {@code tenants} topics, with as many share consumers as the worker has slots. */
    Result raw(int tenants) throws Exception {
        return raw(tenants, profile.slots());
    }

    /** Raw clients over {@code tenants} topics with {@code consumers} share consumers. */
    Result raw(int tenants, int consumers) throws Exception {
        byte[] value = new byte[300];
        String run = UUID.randomUUID().toString().substring(0, 8);
        // the first half of the raw path alone: acknowledged -> forwarded and visible read committed
        Latencies forwarded = new Latencies();
        java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger();
        try (RawHop hop = new RawHop(tenants);
                ShareTail tail = new ShareTail(hop.dispatchTopic(), "bench-raw-" + run, consumers);
                ArrivalTail arrivals = new ArrivalTail(hop.dispatchTopic(), forwarded)) {
            BenchStack.await(
                    "raw forwarder and share consumers ready",
                    Duration.ofMinutes(3),
                    () -> hop.ready(tenants) && tail.ready());
            Result result = measure(
                    "raw clients, " + tenants + " tenant(s), " + consumers + " share consumer(s)",
                    tenants,
                    l -> {
                        phase.incrementAndGet();
                        tail.measureInto(l);
                    },
                    (t, l) -> {
                        String id = UUID.randomUUID().toString();
                        if (phase.get() > 1) {
                            hop.send(t, id, value, l, forwarded);
                        } else {
                            hop.send(t, id, value, l);
                        }
                    });
            lastRawForwarded = Result.of("raw clients, produce -> forwarded (read committed)", forwarded);
            System.out.printf(
                    "[bench] %s: p50 %.1f p99 %.1f ms%n",
                    lastRawForwarded.name(), lastRawForwarded.p50(), lastRawForwarded.p99());
            return result;
        }
    }

    /** The forwarding half of the last raw run, for the report's explanation of where raw time goes. */
    volatile Result lastRawForwarded;

    /** HTTP accepted → frame at the worker, over {@code licenses.size()} provisioned tenants. */
    Result http(List<String> licenses) throws Exception {
        stack.provision(licenses);
        return measure(
                "system, HTTP, " + licenses.size() + " tenant(s)",
                licenses.size(),
                worker::measureInto,
                (t, l) -> post(licenses.get(t), l));
    }

    /** Client {@code gpu.job.submit} sent → frame at the worker, one license, four app connections. */
    Result websocket(String license) throws Exception {
        stack.provision(List.of(license));
        List<BenchClient> clients = new ArrayList<>();
        HttpClient shared = HttpClient.newHttpClient();
        try {
            for (int i = 0; i < 4; i++) {
                clients.add(new BenchClient(shared, stack.wsUrl, license));
            }
            AtomicInteger next = new AtomicInteger();
            return measure("system, WebSocket submit, 1 tenant", 1, worker::measureInto, (t, l) -> {
                String id = "ws-" + UUID.randomUUID();
                // the worker sees the id scoped to the license that chose it (ADR 015)
                l.started(io.dsp.core.intake.ClientRequestIds.scoped(license, id), System.nanoTime());
                clients.get(Math.floorMod(next.getAndIncrement(), clients.size()))
                        .submit(id);
            });
        } finally {
            clients.forEach(BenchClient::close);
        }
    }

    private interface Sender {
        void send(int tenant, Latencies latencies);
    }

    private Result measure(String name, int tenants, java.util.function.Consumer<Latencies> sink, Sender sender)
            throws InterruptedException {
        Latencies warm = new Latencies();
        sink.accept(warm);
        Load.fixedRate(profile.rate(), tenants, profile.warmup(), t -> sender.send(t, warm));
        Load.drain(warm);
        Latencies measured = new Latencies();
        sink.accept(measured);
        IntConsumer send = t -> sender.send(t, measured);
        Load.fixedRate(profile.rate(), tenants, profile.seconds(), send);
        long keptUpBy = System.nanoTime() + KEEP_UP_GRACE.toNanos();
        Load.drain(measured);
        Result result = Result.of(name, measured, keptUpBy);
        System.out.printf(
                "[bench] %s: %d/%d arrived (%d within %d ms of the last send, latency grew %.0f ms over the run%s), p50"
                        + " %.1f p99 %.1f p99.9 %.1f max %.1f ms%n",
                name,
                result.arrived(),
                result.accepted(),
                result.onTime(),
                KEEP_UP_GRACE.toMillis(),
                result.lagGrowth(),
                result.keptUp() ? "" : ": did not keep up with the offered rate",
                result.p50(),
                result.p99(),
                result.p999(),
                result.max());
        return result;
    }

    private void post(String license, Latencies latencies) {
        HttpRequest post = HttpRequest.newBuilder(URI.create(stack.baseUrl + "/api/v1/tasks"))
                .header("Authorization", "Bearer " + license)
                .header("X-Machine-Code", "bench-machine")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"task_type\":\"" + BenchStack.TASK_TYPE + "\",\"payload\":{}}"))
                .build();
        http.sendAsync(post, HttpResponse.BodyHandlers.ofString()).thenAccept(answer -> {
            long now = System.nanoTime();
            String id = Intake.requestId(answer);
            if (id != null) {
                latencies.started(id, now);
            }
        });
    }
}
