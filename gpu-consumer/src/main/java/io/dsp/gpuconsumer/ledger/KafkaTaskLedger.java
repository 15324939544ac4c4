package io.dsp.gpuconsumer.ledger;

import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * The ledger kept in Kafka: {@code dsp.task-events} itself, read from its beginning into memory by every worker. The
 * terminal event a worker publishes before acknowledging a task is the record that the task finished, so there is no
 * second write that could be lost between the two. Before each task a worker waits until its copy has reached the
 * topic's end as it was at that moment, so whatever any worker had written by then is seen.
 */
@Component
class KafkaTaskLedger implements TaskLedger, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KafkaTaskLedger.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Map<String, Object> kafkaConfig;
    private final LedgerSettings settings;
    private final Map<String, TaskHistory> histories = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private volatile boolean running;
    private volatile RuntimeException failure;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Admin admin;
    private List<TopicPartition> partitions;
    private Thread thread;

    KafkaTaskLedger(KafkaAdmin kafkaAdmin, LedgerSettings settings, MeterRegistry meters) {
        this.kafkaConfig = Map.copyOf(kafkaAdmin.getConfigurationProperties());
        this.settings = settings;
        Gauge.builder(WorkerMetrics.LEDGER_TASKS, histories, Map::size).register(meters);
    }

    @Override
    public PriorAttempts priorAttempts(String requestId) throws InterruptedException, TimeoutException {
        awaitCaughtUp(settings.catchUpTimeout());
        TaskHistory history = histories.get(requestId);
        if (history == null) {
            return PriorAttempts.NONE;
        }
        synchronized (history) {
            return history.prior();
        }
    }

    @Override
    public Optional<String> failure() {
        RuntimeException stopped = failure;
        return stopped == null ? Optional.empty() : Optional.of(stopped.toString());
    }

    @Override
    public synchronized void start() {
        admin = Admin.create(kafkaConfig);
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafkaConfig.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                // the dispatcher writes some events in transactions: never act on an aborted one
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                IsolationLevel.READ_COMMITTED.toString()));
        partitions = consumer.partitionsFor(Topics.TASK_EVENTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        running = true;
        thread = new Thread(this::tail, "task-ledger");
        thread.setDaemon(true);
        thread.start();
        long started = System.nanoTime();
        try {
            awaitCaughtUp(settings.startupTimeout());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "could not read " + Topics.TASK_EVENTS.name() + " within " + settings.startupTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + Topics.TASK_EVENTS.name(), e);
        }
        log.info(
                "task ledger read {} in {} ms: {} tasks with a history",
                Topics.TASK_EVENTS.name(),
                (System.nanoTime() - started) / 1_000_000,
                histories.size());
    }

    private void tail() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    apply(record);
                }
                for (TopicPartition partition : partitions) {
                    positions.put(partition, consumer.position(partition));
                }
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            failure = e;
            log.error("task ledger stopped reading {}; no task will run", Topics.TASK_EVENTS.name(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        TaskEvent event;
        try {
            event = Topics.TASK_EVENTS.value(record);
        } catch (SerializationException e) {
            log.warn("skipping undecodable task event at {}@{}", record.partition(), record.offset());
            return;
        }
        if (event == null || !TaskHistory.matters(event)) {
            return;
        }
        TaskHistory history = histories.computeIfAbsent(event.getRequestId(), id -> new TaskHistory());
        synchronized (history) {
            history.apply(event);
        }
    }

    /** Waits until this copy holds everything committed to the topic before the call. */
    private void awaitCaughtUp(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> ends = endOffsets(timeout);
        synchronized (progress) {
            while (!caughtUp(ends)) {
                if (failure != null) {
                    throw new IllegalStateException("the task ledger stopped reading", failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException(
                            "task ledger did not reach " + ends + " within " + timeout + "; it is at " + positions);
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

    private Map<TopicPartition, Long> endOffsets(Duration timeout) throws InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest =
                partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
        try {
            return admin
                    .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .entrySet()
                    .stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot read the end of " + Topics.TASK_EVENTS.name() + ": " + e.getCause(), e.getCause());
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before the slots (which ask it before every task) and stops after them. */
    @Override
    public int getPhase() {
        return -1;
    }
}
