package io.dsp.gateway.support;

import io.dsp.schemas.avro.TaskAction;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Reads and writes the test broker's topics for assertions, standing in for the dispatcher where a test needs it. */
public final class KafkaProbe {

    private KafkaProbe() {}

    /** Releases tasks into their lane's dispatch topic ({@code dsp.dispatch} for GPU work), as the dispatcher does. */
    public static void dispatch(List<TaskRequested> tasks) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (TaskRequested task : tasks) {
                producer.send(Lane.of(task.getTaskType()).dispatch().record(task.getRequestId(), task));
            }
            producer.flush();
        }
    }

    /** Asks to cancel a task, as its license's owner does (a {@code dsp.task-control} record), with this license key. */
    public static void cancel(String requestId, String licenseKey) {
        TaskControl control = TaskControl.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setRequestId(requestId)
                .setLicenseKey(licenseKey)
                .setAction(TaskAction.CANCEL)
                .setAt(java.time.Instant.now())
                .setSource("test")
                .build();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(Topics.TASK_CONTROL.record(requestId, control));
            producer.flush();
        }
    }

    /** Writes a task's events to {@code dsp.task-events}, as the services record its steps. */
    public static void events(List<io.dsp.schemas.avro.TaskEvent> events) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (io.dsp.schemas.avro.TaskEvent event : events) {
                producer.send(io.dsp.schemas.topic.Topics.TASK_EVENTS.record(event.getRequestId(), event));
            }
            producer.flush();
        }
    }

    /** Copies every task of a tenant topic into {@code dsp.dispatch}: the dispatcher's job, for end-to-end tests. */
    public static List<TaskRequested> forward(String tenantTopic, TopicSpec<String, TaskRequested> spec, int expected) {
        List<TaskRequested> tasks = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : read(tenantTopic, expected, Duration.ofSeconds(20), r -> true)) {
            tasks.add(spec.value(record));
        }
        dispatch(tasks);
        return tasks;
    }

    /** Reads a topic from the beginning until {@code expected} matching records were seen or the time is up. */
    public static <V> List<V> values(TopicSpec<String, V> spec, int expected, Duration within, Predicate<V> matching) {
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(spec.name()));
            long deadline = System.nanoTime() + within.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    V value = spec.value(record);
                    if (value != null && matching.test(value)) {
                        out.add(value);
                    }
                }
            }
        }
        return out;
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(
            String topic, int expected, Duration within, Predicate<ConsumerRecord<byte[], byte[]>> matching) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + within.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (matching.test(record)) {
                        out.add(record);
                    }
                }
            }
        }
        return out;
    }

    /** Records of {@code dsp.workers} with their keys (tombstones included as null values). */
    public static <V> List<Map.Entry<String, V>> entries(
            TopicSpec<String, V> spec, Duration within, Predicate<String> keys, int expected) {
        List<Map.Entry<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(spec.name()));
            long deadline = System.nanoTime() + within.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String key = spec.key(record);
                    if (keys.test(key)) {
                        out.add(new java.util.AbstractMap.SimpleEntry<>(key, spec.value(record)));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The gateway's legacy slots (client ids {@code <worker>-slot-<n>}) that are members of the fleets' share groups
     * now: a slot still closing after its worker left is one of them, and may acquire a task meant for a later worker.
     */
    public static long legacySlotMembers() {
        return legacySlotMembers("");
    }

    /** The legacy slots whose client ids start with {@code clientIdPrefix} (a gateway's node id and a dash). */
    public static long legacySlotMembers(String clientIdPrefix) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers()))) {
            long members = 0;
            for (String group : List.of(Groups.GPU_FLEET, Groups.AUTOMATION_FLEET)) {
                try {
                    ShareGroupDescription description = admin.describeShareGroups(List.of(group))
                            .all()
                            .get()
                            .get(group);
                    members += description.members().stream()
                            .filter(m -> m.clientId().startsWith(clientIdPrefix)
                                    && m.clientId().contains("-slot-"))
                            .count();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                        throw new IllegalStateException("share group " + group + " could not be described", e);
                    }
                }
            }
            return members;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A bare member of the GPU lane's fleet share group (explicit acknowledgement, one record per poll), standing in
     * for another worker of the fleet; the caller acknowledges what it gets and closes it.
     */
    public static ShareConsumer<byte[], byte[]> gpuFleetMember() {
        return gpuFleetMember("fleet-probe-" + UUID.randomUUID());
    }

    /** As {@link #gpuFleetMember()}, with this client id, so that {@link #assignedFleetMember} can tell it apart. */
    public static ShareConsumer<byte[], byte[]> gpuFleetMember(String clientId) {
        ShareConsumer<byte[], byte[]> member = new KafkaShareConsumer<>(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG,
                clientId,
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                Groups.GPU_FLEET,
                ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG,
                "explicit",
                ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG,
                "record_limit",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                1,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
        member.subscribe(List.of(Lane.GPU.dispatch().name()));
        return member;
    }

    /**
     * Whether the member of the GPU fleet's share group with this client id has been assigned the dispatch topic: a
     * member that has not may be offered nothing for seconds after its first poll.
     */
    public static boolean assignedFleetMember(String clientId) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers()))) {
            ShareGroupDescription description = admin.describeShareGroups(List.of(Groups.GPU_FLEET))
                    .all()
                    .get()
                    .get(Groups.GPU_FLEET);
            return description.members().stream()
                    .anyMatch(m -> m.clientId().equals(clientId)
                            && !m.assignment().topicPartitions().isEmpty());
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
    }
}
