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

    /** One step of one task, as read. */
    record Step(String requestId, TaskEventType type, Instant at) {}

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
     * Where a run's time went, from the steps its tasks' events carry: accepted → dispatched (the dispatcher),
     * dispatched → started (waiting in {@code dsp.dispatch}, the share fetch, the slot's ledger look), started →
     * succeeded (the confirmation of the lock, the hand-over, the worker, the outcome), as p50 / p99 in ms.
     */
    static String phases(Broker broker, java.util.Set<String> licenses, Map<TopicPartition, Long> from) {
        Map<String, Map<TaskEventType, Instant>> byTask = new HashMap<>();
        for (Step step : steps(broker, licenses, from)) {
            byTask.computeIfAbsent(step.requestId(), k -> new java.util.EnumMap<>(TaskEventType.class))
                    .putIfAbsent(step.type(), step.at());
        }
        return phase(byTask, TaskEventType.ACCEPTED, TaskEventType.DISPATCHED)
                + "; " + phase(byTask, TaskEventType.DISPATCHED, TaskEventType.STARTED)
                + "; " + phase(byTask, TaskEventType.STARTED, TaskEventType.SUCCEEDED);
    }

    private static String phase(Map<String, Map<TaskEventType, Instant>> byTask, TaskEventType from, TaskEventType to) {
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
                        steps.add(new Step(event.getRequestId(), event.getType(), event.getAt()));
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
