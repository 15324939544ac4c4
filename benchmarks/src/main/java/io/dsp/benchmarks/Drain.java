package io.dsp.benchmarks;

import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Backlog drain: a backlog of {@code heygem_submit} tasks written to {@code dsp.dispatch} (as the dispatcher releases
 * them) after every member has joined, drained by gpu-consumer workers (3 slots each, the simulated engine with zero
 * work time) or by as many raw {@link KafkaShareConsumer}s with the slots' settings (and poll timeout) in the same
 * fleet share group on the same topic. The rate runs from the first to the last completed task, so joining does not
 * count. Each run also keeps when each task kept a slot busy, for the utilisation chart: a raw consumer from the poll
 * that handed the task out to its ACCEPT (riding on the next poll, as a slot's), a worker's slot from the task's {@code
 * STARTED} to its {@code SUCCEEDED} event in {@code dsp.task-events} (their times, as the worker wrote them, read after
 * the run).
 */
final class Drain {

    static final int SLOTS = 3;

    /** One drain: its rate, and each task's busy interval on one of {@code slots} slots. */
    record Run(double perSecond, int slots, List<Utilisation.Interval> busy, Optional<String> handOver) {

        /** A raw side's drain: raw consumers have no hand-over timers. */
        static Run raw(double perSecond, int consumers, List<Utilisation.Interval> busy) {
            return new Run(perSecond, consumers, busy, Optional.empty());
        }
    }

    private final StackUnderTest stack;
    private final int tasks;
    private final Duration pollTimeout;

    /**
     * On {@code stack}, whose broker the workers started here must use: the in-JVM one ({@link InJvmStack}), the only
     * stack that runs drain.
     */
    Drain(StackUnderTest stack, int tasks, Duration pollTimeout) {
        this.stack = stack;
        this.tasks = tasks;
        this.pollTimeout = pollTimeout;
    }

    /** Tasks per second of {@code consumers} raw share consumers. */
    Run raw(int consumers) throws Exception {
        AtomicInteger done = new AtomicInteger();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        List<Utilisation.Interval> busy = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            Thread thread = new Thread(() -> drainRaw(done, first, last, busy), "raw-drain-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        stack.awaitFleetMembers(consumers);
        release("bench-drain-" + UUID.randomUUID());
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(20));
        }
        stack.awaitFleetMembers(0);
        double rate = report("raw share consumers x" + consumers, done.get(), first.get(), last.get());
        return Run.raw(rate, consumers, List.copyOf(busy));
    }

    private void drainRaw(AtomicInteger done, AtomicLong first, AtomicLong last, List<Utilisation.Interval> busy) {
        Map<String, Object> config = stack.broker().config(Groups.GPU_FLEET_SLOT_CONSUMER);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        try (KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(config)) {
            consumer.subscribe(List.of(Topics.DISPATCH.name()));
            while (done.get() < tasks && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTimeout)) {
                    long handedOut = Utilisation.nowMicros();
                    Topics.DISPATCH.value(record);
                    // as a slot's lease: the ACCEPT rides on the next poll (Lease.acknowledgeWithNextPoll)
                    consumer.acknowledge(record, AcknowledgeType.ACCEPT);
                    busy.add(new Utilisation.Interval(handedOut, Utilisation.nowMicros()));
                    first.compareAndSet(0, System.nanoTime());
                    last.set(System.nanoTime());
                    done.incrementAndGet();
                }
            }
        }
    }

    /** Tasks per second of {@code instances} gpu-consumer workers. */
    Run workers(int instances) throws Exception {
        String license = "bench-drain-" + UUID.randomUUID();
        try (NativeWorkers workers = new NativeWorkers(instances, SLOTS, Duration.ZERO, pollTimeout)) {
            stack.awaitFleetMembers(instances * SLOTS);
            long before = workers.succeeded();
            Map<TopicPartition, Long> eventsFrom = TaskEventTimes.ends(stack.broker());
            release(license);
            long first = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
            while (workers.succeeded() - before < tasks && System.nanoTime() < deadline) {
                if (first == 0 && workers.succeeded() > before) {
                    first = System.nanoTime();
                }
                Thread.sleep(5);
            }
            long last = System.nanoTime();
            double rate = report(
                    instances + " gpu-consumer(s) x" + SLOTS + " slots",
                    (int) (workers.succeeded() - before),
                    first,
                    last);
            String handOver = workers.handOver();
            System.out.println("[bench] drain, the slots' hand-over by step (mean): " + handOver);
            return new Run(
                    rate,
                    instances * SLOTS,
                    TaskEventTimes.busy(stack.broker(), license, eventsFrom),
                    Optional.of(handOver));
        } finally {
            stack.awaitFleetMembers(0);
        }
    }

    private double report(String what, int done, long first, long last) {
        if (done < tasks) {
            throw new IllegalStateException(what + " drained only " + done + " of " + tasks + " tasks");
        }
        double rate = (tasks - 1) / ((last - first) / 1e9);
        System.out.printf("[bench] drain %s: %,d tasks at %.1f tasks/s%n", what, tasks, rate);
        return rate;
    }

    /** Writes the backlog of {@code license}, as the dispatcher would, in one go before anyone drains it. */
    private void release(String license) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(stack.broker()
                .config(Map.of(
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5)))) {
            Instant now = Instant.now();
            for (int i = 0; i < tasks; i++) {
                TaskRequested task = heygemTask(license, i, now);
                producer.send(Topics.DISPATCH.record(task.getRequestId(), task));
            }
            producer.flush();
        }
    }

    /** The {@code i}th {@code heygem_submit} task of a bench backlog, as an app would post it over HTTP. */
    static TaskRequested heygemTask(String license, int i, Instant now) {
        return TaskRequested.newBuilder()
                .setRequestId("heygem_" + UUID.randomUUID())
                .setLicenseKey(license)
                .setTaskType("heygem_submit")
                .setPayload(new HeyGemSubmitPayload("a" + i, ".wav", "v" + i, ".mp4"))
                .setPriority(Priority.NORMAL)
                .setRequestedAt(now)
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "bench", null, "pc"))
                .build();
    }
}
