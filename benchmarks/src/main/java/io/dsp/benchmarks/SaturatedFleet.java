package io.dsp.benchmarks;

import io.dsp.core.intake.TaskSubmission;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A fleet kept saturated (issue 18, item 5): a backlog of tasks that each take {@code work} on a slot, as a GPU's
 * synthesis would, and the share of the slots' time that went to work while tasks were still waiting. What is not work
 * is the hand-over between two tasks, which a GPU spends idle.
 *
 * <p>The system's side goes the whole way a task goes: the backlog is written to a tenant topic as an edge accepts a
 * task ({@link TaskSubmission}), the dispatcher releases it into {@code dsp.dispatch} as slots free, and gpu-consumer
 * workers run it with the simulated engine; a slot works from the engine's first progress to its last ({@code
 * processing} to {@code done} in {@code dsp.task-events}). The raw side is a raw forwarder with the dispatcher's window
 * ({@link RawHop}) into as many raw share consumers with the slots' settings, each asleep for {@code work} between the
 * poll that handed a record out and its ACCEPT ({@link ShareTail}).
 */
final class SaturatedFleet {

    /**
     * One run: its slots, the busy intervals of every task, and the backlog window in which the share is taken (empty
     * when too few tasks ran to have one).
     */
    record Run(
            int slots,
            List<Utilisation.Interval> busy,
            Optional<Utilisation.Window> window,
            double cpuLoad,
            Optional<String> handOver) {

        static Run of(int slots, List<Utilisation.Interval> busy, double cpuLoad) {
            return new Run(slots, busy, Utilisation.backlogWindow(busy, slots), cpuLoad, Optional.empty());
        }

        /** The same run, with where its slots' hand-overs went (the system's side only). */
        Run withHandOver(String steps) {
            return new Run(slots, busy, window, cpuLoad, Optional.of(steps));
        }

        /**
         * Slot time in the backlog window not spent working, per task that started in it, in ms: the mean hand-over;
         * NaN without a window.
         */
        double idlePerTaskMillis() {
            return window.map(w -> {
                        long started = busy.stream()
                                .filter(i -> i.startMicros() > w.fromMicros() && i.startMicros() <= w.toMicros())
                                .count();
                        double idleMicros = (1 - w.busyShare(busy, slots)) * slots * (w.toMicros() - w.fromMicros());
                        return started == 0 ? Double.NaN : idleMicros / started / 1e3;
                    })
                    .orElse(Double.NaN);
        }

        /** Work time / slot time in the backlog window (0..1); NaN without a window. */
        double workShare() {
            return window.map(w -> w.busyShare(busy, slots)).orElse(Double.NaN);
        }
    }

    private final StackUnderTest stack;
    private final String license;
    private final Profile.Saturation size;
    private final Duration pollTimeout;

    /**
     * On {@code stack}, whose broker the workers started here must use (the in-JVM one, {@link InJvmStack}), with the
     * system's backlog under {@code license}, whose tenant topic the raw side's is made like.
     */
    SaturatedFleet(StackUnderTest stack, String license, Profile.Saturation size, Duration pollTimeout) {
        this.stack = stack;
        this.license = license;
        this.size = size;
        this.pollTimeout = pollTimeout;
    }

    /** gpu-consumer workers fed by the dispatcher from a tenant topic. */
    Run system() throws Exception {
        try (NativeWorkers workers =
                new NativeWorkers(size.workers(), size.slotsPerWorker(), size.work(), pollTimeout)) {
            stack.awaitFleetMembers(size.slots());
            long before = workers.succeeded();
            Map<TopicPartition, Long> eventsFrom = TaskEventTimes.ends(stack.broker());
            double cpu;
            try (CpuLoad load = new CpuLoad()) {
                accept();
                long deadline = System.nanoTime() + deadline().toNanos();
                while (workers.succeeded() - before < size.tasks() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                cpu = load.mean();
            }
            long done = workers.succeeded() - before;
            if (done < size.tasks()) {
                throw new IllegalStateException(
                        "the workers ran " + done + " of " + size.tasks() + " tasks within " + deadline());
            }
            Run run = Run.of(size.slots(), TaskEventTimes.engineBusy(stack.broker(), license, eventsFrom), cpu)
                    .withHandOver(workers.handOver());
            print("system, " + size.workers() + " workers x " + size.slotsPerWorker() + " slots", run);
            System.out.println("[bench] utilisation, around the engine: "
                    + TaskEventTimes.aroundTheEngine(stack.broker(), license, eventsFrom));
            System.out.println("[bench] utilisation, the slots' hand-over by step (mean): "
                    + run.handOver().get());
            return run;
        } finally {
            stack.awaitFleetMembers(0);
        }
    }

    /** Raw share consumers fed by a raw forwarder with the dispatcher's window. */
    Run raw() throws Exception {
        try (RawHop hop =
                new RawHop(stack.broker(), 1, stack.releaseWindow(size.slots()), TenantTopics.topicName(license))) {
            double cpu;
            ShareTail tail = new ShareTail(
                    stack.broker(),
                    hop.dispatchTopic(),
                    hop.topics().shareGroup("busy"),
                    size.slots(),
                    pollTimeout,
                    size.work(),
                    hop::accepted);
            try {
                StackUnderTest.await(
                        "raw forwarder and share consumers ready",
                        Duration.ofMinutes(3),
                        () -> hop.ready(1) && tail.ready());
                try (CpuLoad load = new CpuLoad()) {
                    Instant now = Instant.now();
                    for (int i = 0; i < size.tasks(); i++) {
                        TaskRequested task = Drain.heygemTask("bench-busy-raw", i, now);
                        hop.send(
                                0,
                                task.getRequestId(),
                                Topics.DISPATCH
                                        .record(task.getRequestId(), task)
                                        .value());
                    }
                    StackUnderTest.await(
                            "raw consumers worked through " + size.tasks() + " tasks",
                            deadline(),
                            () -> tail.busy().size() >= size.tasks());
                    cpu = load.mean();
                }
            } finally {
                tail.close();
            }
            Run run = Run.of(size.slots(), tail.busy(), cpu);
            print("raw, " + size.slots() + " share consumers", run);
            return run;
        }
    }

    /** Ample time for the backlog: twice its work spread over the slots, plus two minutes. */
    private Duration deadline() {
        return size.work()
                .multipliedBy(2L * size.tasks())
                .dividedBy(size.slots())
                .plusMinutes(2);
    }

    /** The backlog, accepted as an edge accepts a task: its record in the tenant topic, then ACCEPTED. */
    private void accept() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(stack.broker()
                .config(Map.of(
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5)))) {
            Instant now = Instant.now();
            for (int i = 0; i < size.tasks(); i++) {
                TaskSubmission submission = TaskSubmission.accepted(
                        Drain.heygemTask(license, i, now), "bench", now, false, TraceContext.start());
                for (ProducerRecord<byte[], byte[]> record : submission.records()) {
                    producer.send(record);
                }
            }
            producer.flush();
        }
    }

    private static void print(String what, Run run) {
        System.out.printf(
                Locale.ROOT,
                "[bench] utilisation %s: %d tasks, work share %.2f%% over %.1f s of backlog, CPU %.0f%%%n",
                what,
                run.busy().size(),
                100 * run.workShare(),
                run.window().map(w -> (w.toMicros() - w.fromMicros()) / 1e6).orElse(0.0),
                100 * run.cpuLoad());
    }
}
