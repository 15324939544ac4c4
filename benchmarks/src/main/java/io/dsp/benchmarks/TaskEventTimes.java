package io.dsp.benchmarks;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * When the system's slots were busy with each task: the {@code STARTED} and {@code SUCCEEDED} events the workers write
 * to {@code dsp.task-events}, read after a run (so reading them costs the run nothing) from the offsets noted before
 * it, and paired per request id into busy intervals.
 */
final class TaskEventTimes {

    /** One step of one task, as read; {@code progressStatus} only on a {@code PROGRESS} step, else null. */
    record Step(String requestId, TaskEventType type, Instant at, String progressStatus) {

        Step(String requestId, TaskEventType type, Instant at) {
            this(requestId, type, at, null);
        }
    }

    /** The simulated engine's first report of a run: it has begun ({@code SimulatedEngine}). */
    static final String ENGINE_BEGAN = "processing";

    /** The simulated engine's last report of a run: its result is written. */
    static final String ENGINE_DONE = "done";

    private TaskEventTimes() {}

    /** The end of every partition of {@code dsp.task-events} now (read committed). */
    static Map<TopicPartition, Long> ends(Broker broker) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker)) {
            return new HashMap<>(consumer.endOffsets(partitions(consumer)));
        }
    }

    /** The busy intervals of {@code license}'s tasks whose events were written after {@code from}. */
    static List<Utilisation.Interval> busy(Broker broker, String license, Map<TopicPartition, Long> from) {
        return pair(steps(broker, java.util.Set.of(license), from));
    }

    /**
     * When the engine worked on each of {@code license}'s tasks whose events were written after {@code from}: from its
     * first {@value #ENGINE_BEGAN} progress to its {@value #ENGINE_DONE} progress, the time a GPU would be busy.
     */
    static List<Utilisation.Interval> engineBusy(Broker broker, String license, Map<TopicPartition, Long> from) {
        return pairEngine(steps(broker, java.util.Set.of(license), from));
    }

    /**
     * Each task's engine interval, from the first {@value #ENGINE_BEGAN} progress after its last {@code STARTED} to
     * its {@value #ENGINE_DONE} progress, in the order they ended; a run without both is left out.
     */
    static List<Utilisation.Interval> pairEngine(List<Step> steps) {
        Map<String, Instant> began = new HashMap<>();
        List<Utilisation.Interval> busy = new ArrayList<>();
        for (Step step : steps) {
            if (step.type() == TaskEventType.STARTED) {
                began.remove(step.requestId());
            } else if (step.type() == TaskEventType.PROGRESS && ENGINE_BEGAN.equals(step.progressStatus())) {
                began.putIfAbsent(step.requestId(), step.at());
            } else if (step.type() == TaskEventType.PROGRESS && ENGINE_DONE.equals(step.progressStatus())) {
                Instant start = began.remove(step.requestId());
                if (start != null && !step.at().isBefore(start)) {
                    busy.add(new Utilisation.Interval(micros(start), micros(step.at())));
                }
            }
        }
        return busy;
    }

    /**
     * Where a run's time went, from the steps its tasks' events carry: accepted → dispatched (the dispatcher),
     * dispatched → started (waiting in {@code dsp.dispatch}, the share fetch, the slot's ledger look), started →
     * succeeded (the confirmation of the lock, the hand-over, the worker, the outcome), as p50 / p99 in ms.
     */
    static String phases(Broker broker, java.util.Set<String> licenses, Map<TopicPartition, Long> from) {
        Map<String, Map<String, Instant>> byTask = byTask(steps(broker, licenses, from));
        return phase(byTask, TaskEventType.ACCEPTED.name(), TaskEventType.DISPATCHED.name())
                + "; " + phase(byTask, TaskEventType.DISPATCHED.name(), TaskEventType.STARTED.name())
                + "; " + phase(byTask, TaskEventType.STARTED.name(), TaskEventType.SUCCEEDED.name());
    }

    /**
     * Where the slot time around the engine went: dispatched → started (waiting in {@code dsp.dispatch}, the share
     * fetch, the ledger's look), started → the engine began (the lock's confirmation, the handler's preparation), the
     * engine done → succeeded (storing the result, recording the outcome), as p50 / p99 in ms.
     */
    static String aroundTheEngine(Broker broker, String license, Map<TopicPartition, Long> from) {
        Map<String, Map<String, Instant>> byTask = byTask(steps(broker, java.util.Set.of(license), from));
        return phase(byTask, TaskEventType.DISPATCHED.name(), TaskEventType.STARTED.name())
                + "; " + phase(byTask, TaskEventType.STARTED.name(), ENGINE_BEGAN)
                + "; " + phase(byTask, ENGINE_DONE, TaskEventType.SUCCEEDED.name());
    }

    /** Each task's first time of each step, a progress step under its status. */
    private static Map<String, Map<String, Instant>> byTask(List<Step> steps) {
        Map<String, Map<String, Instant>> byTask = new HashMap<>();
        for (Step step : steps) {
            String name = step.progressStatus() != null
                    ? step.progressStatus()
                    : step.type().name();
            byTask.computeIfAbsent(step.requestId(), k -> new HashMap<>()).putIfAbsent(name, step.at());
        }
        return byTask;
    }

    private static String phase(Map<String, Map<String, Instant>> byTask, String from, String to) {
        double[] ms = byTask.values().stream()
                .filter(steps -> steps.containsKey(from) && steps.containsKey(to))
                .mapToDouble(steps ->
                        Duration.between(steps.get(from), steps.get(to)).toNanos() / 1e6)
                .sorted()
                .toArray();
        if (ms.length == 0) {
            return from + " -> " + to + ": none";
        }
        return String.format(
                java.util.Locale.ROOT,
                "%s -> %s p50 %.0f p99 %.0f ms (%d tasks)",
                from,
                to,
                ms[(int) Math.min(ms.length - 1, Math.floor(ms.length * 0.50))],
                ms[(int) Math.min(ms.length - 1, Math.floor(ms.length * 0.99))],
                ms.length);
    }

    private static List<Step> steps(Broker broker, java.util.Set<String> licenses, Map<TopicPartition, Long> from) {
        List<Step> steps = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker)) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            partitions.forEach(tp -> consumer.seek(tp, from.getOrDefault(tp, 0L)));
            Map<TopicPartition, Long> to = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < to.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TaskEvent event = Topics.TASK_EVENTS.value(record);
                    if (event != null && licenses.contains(event.getLicenseKey())) {
                        steps.add(new Step(
                                event.getRequestId(),
                                event.getType(),
                                event.getAt(),
                                event.getProgress() == null
                                        ? null
                                        : event.getProgress().getStatus()));
                    }
                }
            }
        }
        return steps;
    }

    /**
     * Each task's busy interval, from its (last) {@code STARTED} to its {@code SUCCEEDED}, in the order they ended; a
     * task without both is left out.
     */
    static List<Utilisation.Interval> pair(List<Step> steps) {
        Map<String, Instant> started = new HashMap<>();
        List<Utilisation.Interval> busy = new ArrayList<>();
        for (Step step : steps) {
            if (step.type() == TaskEventType.STARTED) {
                started.put(step.requestId(), step.at());
            } else if (step.type() == TaskEventType.SUCCEEDED) {
                Instant start = started.remove(step.requestId());
                if (start != null && !step.at().isBefore(start)) {
                    busy.add(new Utilisation.Interval(micros(start), micros(step.at())));
                }
            }
        }
        return busy;
    }

    private static long micros(Instant at) {
        return at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        return consumer.partitionsFor(Topics.TASK_EVENTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Broker broker) {
        return new KafkaConsumer<>(broker.config(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class)));
    }
}
