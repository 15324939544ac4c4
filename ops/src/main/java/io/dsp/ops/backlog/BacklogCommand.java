package io.dsp.ops.backlog;

import io.dsp.ops.cli.Keys;
import io.dsp.ops.cli.Progress;
import io.dsp.ops.cli.Times;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.kafka.KafkaOptions;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ops backlog}: per tenant, what waits and since when. The waiting count is the dispatcher group's lag over the
 * tenant's topics (exact, from Kafka's offsets); the oldest waiting task is the record at the group's committed offset;
 * the in-flight count comes from the dispatcher's {@code dsp.queue-facts}.
 */
@Command(
        name = "backlog",
        mixinStandardHelpOptions = true,
        description = "Per tenant: tasks waiting (the dispatcher's lag over dsp.tasks.<tenant> and .high), the oldest"
                + " waiting task and how long it has waited, and tasks in flight (dsp.queue-facts).")
public final class BacklogCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafkaOptions;

    @Option(names = "--all", description = "Also list tenants with nothing waiting.")
    boolean all;

    @Option(names = "--show-keys", description = "Print license keys unmasked.")
    boolean showKeys;

    /** One tenant's row. */
    record Row(
            String tenantTopic, String licenseKey, long waiting, String oldestId, Instant oldestSince, int inFlight) {}

    @Override
    public Integer call() {
        try (KafkaAccess kafka = kafkaOptions.open()) {
            List<Row> rows = rows(kafka, Instant.now());
            Instant now = Instant.now();
            out().printf(
                            "%-12s %-44s %8s %9s %10s  %s%n",
                            "LICENSE", "TENANT TOPIC", "WAITING", "IN FLIGHT", "OLDEST AGE", "OLDEST TASK");
            long total = 0;
            for (Row r : rows) {
                total += r.waiting();
                if (!all && r.waiting() == 0) {
                    continue;
                }
                out().printf(
                                "%-12s %-44s %8d %9d %10s  %s%n",
                                r.licenseKey() == null ? "?" : Keys.show(r.licenseKey(), showKeys),
                                r.tenantTopic(),
                                r.waiting(),
                                r.inFlight(),
                                r.oldestSince() == null ? "-" : Times.age(Duration.between(r.oldestSince(), now)),
                                r.oldestId() == null ? "-" : r.oldestId());
            }
            out().printf(
                            "%d task(s) waiting across %d tenant(s)%n",
                            total, rows.stream().filter(r -> r.waiting() > 0).count());
            return 0;
        }
    }

    static List<Row> rows(KafkaAccess kafka, Instant now) {
        List<String> tenantTopics = kafka.topics().stream()
                .filter(TenantTopics::isTenantTopic)
                .sorted()
                .toList();
        Map<String, QueueFacts> facts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record :
                kafka.readAll(Topics.QUEUE_FACTS, Progress.of("reading queue facts"))) {
            try {
                QueueFacts f = record.value() == null ? null : Topics.QUEUE_FACTS.value(record);
                if (f != null) {
                    facts.put(TenantTopics.topicName(f.getLicenseKey()), f);
                }
            } catch (SerializationException e) {
                // not queue facts of this contract
            }
        }
        List<TopicPartition> partitions = kafka.partitions(tenantTopics);
        Map<TopicPartition, Long> ends = kafka.endOffsets(partitions);
        Map<TopicPartition, Long> starts = kafka.beginningOffsets(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = kafka.dispatcherOffsets();
        Map<TopicPartition, Long> head = new HashMap<>();
        Map<String, Long> waiting = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            long from = Math.max(starts.getOrDefault(tp, 0L), c == null ? 0 : c.offset());
            long lag = Math.max(0, ends.getOrDefault(tp, 0L) - from);
            waiting.merge(TenantTopics.normalTopicOf(tp.topic()), lag, Long::sum);
            if (lag > 0) {
                head.put(tp, from);
            }
        }
        Map<String, ConsumerRecord<byte[], byte[]>> oldest = oldestWaiting(kafka, head);
        List<Row> rows = new ArrayList<>();
        waiting.forEach((topic, count) -> {
            QueueFacts f = facts.get(topic);
            ConsumerRecord<byte[], byte[]> first = oldest.get(topic);
            TaskRequested task = decode(first);
            String key = f != null ? f.getLicenseKey() : task == null ? null : task.getLicenseKey();
            rows.add(new Row(
                    topic,
                    key,
                    count,
                    task == null ? null : task.getRequestId(),
                    first == null ? null : Instant.ofEpochMilli(first.timestamp()),
                    f == null ? 0 : f.getInFlight()));
        });
        rows.sort(Comparator.comparingLong(Row::waiting).reversed().thenComparing(Row::tenantTopic));
        return rows;
    }

    /** The first waiting record of each tenant (the earlier of its normal and high topic heads). */
    private static Map<String, ConsumerRecord<byte[], byte[]>> oldestWaiting(
            KafkaAccess kafka, Map<TopicPartition, Long> head) {
        Map<String, ConsumerRecord<byte[], byte[]>> out = new HashMap<>();
        if (head.isEmpty()) {
            return out;
        }
        Map<TopicPartition, Boolean> pending = new HashMap<>();
        head.keySet().forEach(tp -> pending.put(tp, true));
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer()) {
            consumer.assign(head.keySet());
            head.forEach(consumer::seek);
            Instant deadline = Instant.now().plus(kafka.timeout());
            while (!pending.isEmpty() && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (pending.remove(tp) != null) {
                        consumer.pause(List.of(tp));
                        String tenant = TenantTopics.normalTopicOf(record.topic());
                        out.merge(tenant, record, (a, b) -> a.timestamp() <= b.timestamp() ? a : b);
                    }
                }
            }
        }
        return out;
    }

    private static TaskRequested decode(ConsumerRecord<byte[], byte[]> record) {
        if (record == null || record.value() == null) {
            return null;
        }
        try {
            return TenantTopics.decode(record);
        } catch (SerializationException e) {
            return null;
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
