package io.dsp.benchmarks;

import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;

/**
 * Dispatch latency at a fixed rate, end to end to a connected legacy worker: {@code POST /api/v1/tasks} answered
 * (Kafka holds the task) → the task frame arrives at the worker's WebSocket, through asset-api, the tenant topic, the
 * dispatcher's transactional release into {@code dsp.dispatch} and the gateway's share-group slot. Raw clients do the
 * same hops on the same broker: produce (acks=all) to one of as many tenant topics → a classic group forwards in
 * transactions into free share consumers, as the dispatcher releases into free slots → share consumers with the
 * slots' settings (and poll timeout) take it from a one-partition topic and ACCEPT it, the acknowledgement riding on
 * the next poll as a slot's does. Each run warms up first; the family's runs alternate raw and system on pipelines kept
 * for all of them.
 */
final class DispatchScenario {

    /** How soon after the last send a side that keeps up with the offered rate has delivered (nearly) everything. */
    static final Duration KEEP_UP_GRACE = Duration.ofSeconds(1);

    /** Share of the tasks that must have arrived by then: below it the side built a queue. */
    static final double KEEP_UP_SHARE = 0.95;

    /** Most the latency may grow from the first to the last quarter of a run of a side that keeps up. */
    static final double MAX_LAG_GROWTH_MS = 250;

    /**
     * Most the fastest tenth of a run's tasks may take on a side that keeps up: above it even they waited in line, a
     * standing queue that delivers at the offered rate without growing (built in the run's first seconds) and so
     * passes the two checks above while it measures a wait, not a hop.
     */
    static final double STANDING_QUEUE_MS = 250;

    /**
     * Latencies of one side, and whether it kept up with the offered rate: {@code onTime} of {@code accepted} arrived
     * within {@link #KEEP_UP_GRACE} of the last send, and the latency of the last quarter of the run was not above the
     * first quarter's by more than {@link #MAX_LAG_GROWTH_MS} (or the run's p50), {@code lagGrowth} ms, and its fastest
     * tenth took at most {@link #STANDING_QUEUE_MS}. A side that did not measured a queue, not a latency. {@code
     * millis} are every arrived task's latency, sorted (the report's distribution charts).
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
            double max,
            List<Double> millis) {

        Result {
            millis = List.copyOf(millis);
        }

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
                    ms.isEmpty() ? Double.NaN : ms.get(ms.size() - 1),
                    ms);
        }

        /** The same run's requests timed from another start, keeping this run's verdict on whether it kept up. */
        Result retimed(String as, Latencies from) {
            Result other = of(as, from);
            return new Result(
                    as,
                    accepted,
                    other.arrived,
                    onTime,
                    lagGrowth,
                    other.p50,
                    other.p99,
                    other.p999,
                    other.max,
                    other.millis);
        }

        /** Whether it delivered at the offered rate (see the class comment). */
        boolean keptUp() {
            return accepted > 0
                    && onTime >= KEEP_UP_SHARE * accepted
                    && lagGrowth <= Math.max(MAX_LAG_GROWTH_MS, p50)
                    && p10() <= STANDING_QUEUE_MS;
        }

        /** The latency the fastest tenth of the run's tasks stayed within, in milliseconds. */
        double p10() {
            return Latencies.percentile(millis, 10);
        }

        /**
         * One number of a side's repeated runs: only the runs that kept up count; the others are excluded (and
         * counted), since they measured a queue.
         */
        static Spread spread(List<Result> runs, ToDoubleFunction<Result> metric) {
            List<Double> counted = new ArrayList<>();
            int excluded = 0;
            for (Result r : runs) {
                if (r.keptUp()) {
                    counted.add(metric.applyAsDouble(r));
                } else {
                    excluded++;
                }
            }
            return Spread.of(counted, excluded);
        }

        /** One number of every run, kept up or not (the system's side: what it measured is what it does). */
        static Spread all(List<Result> runs, ToDoubleFunction<Result> metric) {
            return Spread.of(runs.stream().map(metric::applyAsDouble).toList());
        }
    }

    private final Profile profile;
    private final StackUnderTest stack;
    private final BenchWorker worker;
    private final HttpClient http = HttpClient.newHttpClient();

    DispatchScenario(Profile profile, StackUnderTest stack, BenchWorker worker) {
        this.profile = profile;
        this.stack = stack;
        this.worker = worker;
    }

    /**
     * The raw clients' pipeline over {@code tenants} topics made like {@code license}'s tenant topic, with as many
     * share consumers as the worker has slots, on the stack's broker; kept for every raw run of a family, as the
     * system's services are kept for every system run.
     */
    RawSide rawSide(int tenants, String license) throws Exception {
        return new RawSide(
                stack.broker(),
                tenants,
                profile.slots(),
                stack.releaseWindow(profile.slots()),
                profile.sharePollTimeout(),
                TenantTopics.topicName(license));
    }

    /**
     * Raw clients doing the system's hops on the same broker: a producer (acks=all) to a tenant topic, a forwarder
     * that releases into free share consumers in transactions, and share consumers with the slots' settings.
     */
    static final class RawSide implements AutoCloseable {

        final int tenants;
        final int consumers;
        final RawHop hop;
        private ShareTail tail;
        private ArrivalTail arrivals;

        RawSide(Broker broker, int tenants, int consumers, int window, Duration pollTimeout, String likeTenantTopic)
                throws Exception {
            this.tenants = tenants;
            this.consumers = consumers;
            // the dispatcher's window (StackUnderTest.releaseWindow): the free slots plus its prefetch
            hop = new RawHop(broker, tenants, window, likeTenantTopic);
            try {
                tail = new ShareTail(
                        broker,
                        hop.dispatchTopic(),
                        hop.topics().shareGroup("share"),
                        consumers,
                        pollTimeout,
                        hop::accepted);
                arrivals = new ArrivalTail(broker, hop.dispatchTopic(), new Latencies());
                StackUnderTest.await(
                        "raw forwarder and share consumers ready",
                        Duration.ofMinutes(3),
                        () -> hop.ready(tenants) && tail.ready());
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (arrivals != null) {
                arrivals.close();
            }
            if (tail != null) {
                tail.close();
            }
            hop.close();
        }
    }

    /** One raw run on a side kept across runs. */
    Result raw(RawSide side) throws Exception {
        byte[] value = taskValue();
        // the first half of the raw path alone: acknowledged -> forwarded and visible read committed
        Latencies forwarded = new Latencies();
        side.arrivals.measureInto(forwarded);
        AtomicInteger phase = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Latencies> measured =
                new java.util.concurrent.atomic.AtomicReference<>();
        Result result = measure(
                "raw clients, " + side.tenants + " tenant(s), " + side.consumers + " share consumer(s)",
                side.tenants,
                l -> {
                    phase.incrementAndGet();
                    measured.set(l);
                    side.tail.measureInto(l);
                },
                (t, l) -> {
                    String id = UUID.randomUUID().toString();
                    if (phase.get() > 1) {
                        side.hop.send(t, id, value, l, forwarded);
                    } else {
                        side.hop.send(t, id, value, l);
                    }
                });
        lastRawForwarded = Result.of("raw clients, produce -> forwarded (read committed)", forwarded);
        lastRawFromSend = result.retimed(
                "raw clients, sent -> share consumer", measured.get().sinceSent());
        printPercentiles(lastRawFromSend);
        printPercentiles(lastRawForwarded);
        return result;
    }

    /**
     * The record the raw clients send: a task as asset-api writes it for {@code POST /api/v1/tasks} of the benchmark's
     * task type (the Avro task, same size), so both sides move records of one size.
     */
    static byte[] taskValue() {
        TaskRequested task = TaskRequested.newBuilder()
                .setRequestId("task_" + UUID.randomUUID())
                .setLicenseKey("bench-raw-" + UUID.randomUUID())
                .setTaskType(StackUnderTest.TASK_TYPE)
                .setPayload(new GenericPayload("{}"))
                .setPriority(Priority.NORMAL)
                .setRequestedAt(Instant.now())
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "bench-raw", null, "pc"))
                .build();
        return TenantTopics.forTask(task).record(task.getRequestId(), task).value();
    }

    private static void printPercentiles(Result result) {
        System.out.printf("[bench] %s: p50 %.1f p99 %.1f ms%n", result.name(), result.p50(), result.p99());
    }

    /** The forwarding half of the last raw run, for the report's explanation of where raw time goes. */
    volatile Result lastRawForwarded;

    /**
     * The last raw run timed from each record's send rather than its acknowledgement: the counterpart of the WebSocket
     * path, which is timed from the client's send (its intake transaction included), as HTTP is from the 202.
     */
    volatile Result lastRawFromSend;

    /** HTTP accepted → frame at the worker, over {@code licenses.size()} tenants, provisioned before. */
    Result http(List<String> licenses) throws Exception {
        return measure(
                "system, HTTP, " + licenses.size() + " tenant(s)",
                java.util.Set.copyOf(licenses),
                worker::measureInto,
                (t, l) -> post(licenses.get(t), l));
    }

    /** Client {@code gpu.job.submit} sent → frame at the worker, one license (provisioned before), four app connections. */
    Result websocket(String license) throws Exception {
        List<BenchClient> clients = new ArrayList<>();
        HttpClient shared = HttpClient.newHttpClient();
        try {
            for (int i = 0; i < 4; i++) {
                clients.add(new BenchClient(shared, stack.wsUrl(), license));
            }
            AtomicInteger next = new AtomicInteger();
            return measure(
                    "system, WebSocket submit, 1 tenant", java.util.Set.of(license), worker::measureInto, (t, l) -> {
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
        return measure(name, tenants, java.util.Set.of(), sink, sender);
    }

    private Result measure(
            String name, java.util.Set<String> licenses, java.util.function.Consumer<Latencies> sink, Sender sender)
            throws InterruptedException {
        return measure(name, licenses.size(), licenses, sink, sender);
    }

    /** A run; the steps of the system's tasks (those of {@code licenses}, none for the raw side) are printed after it. */
    private Result measure(
            String name,
            int tenants,
            java.util.Set<String> licenses,
            java.util.function.Consumer<Latencies> sink,
            Sender sender)
            throws InterruptedException {
        Latencies warm = new Latencies();
        sink.accept(warm);
        Load.fixedRate(profile.rate(), tenants, profile.warmup(), t -> sender.send(t, warm));
        Load.drain(warm);
        Latencies measured = new Latencies();
        sink.accept(measured);
        var eventsFrom = licenses.isEmpty() ? null : TaskEventTimes.ends(stack.broker());
        IntConsumer send = t -> sender.send(t, measured);
        Load.fixedRate(profile.rate(), tenants, profile.seconds(), send);
        long keptUpBy = System.nanoTime() + KEEP_UP_GRACE.toNanos();
        Load.drain(measured);
        Result result = Result.of(name, measured, keptUpBy);
        if (eventsFrom != null) {
            // read after the run, so it costs the run nothing
            System.out.printf(
                    "[bench] %s, steps from dsp.task-events: %s%n",
                    name, TaskEventTimes.phases(stack.broker(), licenses, eventsFrom));
        }
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
        http.sendAsync(stack.submit(license, "{}"), HttpResponse.BodyHandlers.ofString())
                .thenAccept(answer -> {
                    long now = System.nanoTime();
                    stack.answered(answer);
                    String id = Intake.requestId(answer);
                    if (id != null) {
                        latencies.started(id, now);
                    }
                });
    }
}
