package io.dsp.systemtests.fault;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code dsp.task-events} of the suite's task types, read committed from the beginning on a thread of its own, through
 * broker restarts (the consumer reconnects by itself): the accounting's source of truth.
 */
final class EventLog implements AutoCloseable {

    private static final Set<String> SUITE_TYPES = Set.of(EffectWorkerMain.TASK_TYPE, EffectWorkerMain.POISON_TYPE);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TaskEvent> events = new CopyOnWriteArrayList<>();
    /** Request ids with a terminal event, kept as events come so that the fault harness may look often. */
    private final Set<String> finished = ConcurrentHashMap.newKeySet();

    private final Thread thread;
    private volatile boolean open = true;

    EventLog(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false));
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.TASK_EVENTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::run, "fault-event-log");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (open) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        TaskEvent event = Topics.TASK_EVENTS.value(record);
                        if (event != null && SUITE_TYPES.contains(event.getTaskType())) {
                            events.add(event);
                            if (TaskEvents.isTerminal(event.getType())) {
                                finished.add(event.getRequestId());
                            }
                        }
                    } catch (SerializationException e) {
                        // not an event of the contract
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    List<TaskEvent> events() {
        return List.copyOf(events);
    }

    /** Terminal events per request id. */
    Map<String, List<TaskEvent>> terminals() {
        return events.stream()
                .filter(e -> TaskEvents.isTerminal(e.getType()))
                .collect(Collectors.groupingBy(TaskEvent::getRequestId));
    }

    boolean isFinished(String requestId) {
        return finished.contains(requestId);
    }

    /** When the first SUCCEEDED of a task accepted after {@code after} happened, if one did. */
    Instant firstNewSuccessAfter(Instant after) {
        Map<String, Instant> acceptedAt = events.stream()
                .filter(e -> e.getType() == TaskEventType.ACCEPTED)
                .collect(Collectors.toMap(TaskEvent::getRequestId, TaskEvent::getAt, (a, b) -> a));
        return events.stream()
                .filter(e -> e.getType() == TaskEventType.SUCCEEDED)
                .filter(e -> acceptedAt.containsKey(e.getRequestId())
                        && acceptedAt.get(e.getRequestId()).isAfter(after))
                .map(TaskEvent::getAt)
                .min(Instant::compareTo)
                .orElse(null);
    }

    /** Whether a task of the suite was DISPATCHED at most {@code within} ago. */
    boolean dispatchedWithin(Duration within) {
        Instant since = Instant.now().minus(within);
        return events.stream()
                .anyMatch(e ->
                        e.getType() == TaskEventType.DISPATCHED && e.getAt().isAfter(since));
    }

    /** Request ids whose last step is a STARTED on this worker at most {@code within} ago. */
    List<String> startedOnWithin(String workerId, Duration within) {
        java.time.Instant since = java.time.Instant.now().minus(within);
        Map<String, List<TaskEvent>> byTask = events.stream().collect(Collectors.groupingBy(TaskEvent::getRequestId));
        return byTask.entrySet().stream()
                .filter(e -> {
                    TaskEvent last = e.getValue().get(e.getValue().size() - 1);
                    return last.getType() == TaskEventType.STARTED
                            && workerId.equals(last.getWorkerId())
                            && last.getAt().isAfter(since);
                })
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Request ids a worker has STARTED and not ended (its attempt is open). */
    List<String> runningOn(String workerId) {
        Map<String, List<TaskEvent>> byTask = events.stream().collect(Collectors.groupingBy(TaskEvent::getRequestId));
        return byTask.entrySet().stream()
                .filter(e -> {
                    List<TaskEvent> life = e.getValue();
                    TaskEvent last = life.get(life.size() - 1);
                    return last.getType() == TaskEventType.STARTED && workerId.equals(last.getWorkerId());
                })
                .map(Map.Entry::getKey)
                .toList();
    }

    @Override
    public void close() throws InterruptedException {
        open = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
