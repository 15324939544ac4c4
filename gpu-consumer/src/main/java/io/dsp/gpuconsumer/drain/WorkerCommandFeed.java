package io.dsp.gpuconsumer.drain;

import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.slot.SlotPool;
import io.dsp.schemas.avro.WorkerAction;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 * Follows {@code dsp.worker-commands} (compacted, keyed by worker id) for this worker: read whole at start-up, before
 * the slots start, so a worker that restarts under a drain stays drained; then DRAIN drains the {@link SlotPool} and
 * UNDRAIN (or a tombstone: no command) undrains it. Commands for other workers are skipped.
 */
@Component
class WorkerCommandFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerCommandFeed.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> kafkaConfig;
    private final WorkerIdentity identity;
    private final SlotPool slots;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;
    /** The latest command for this worker read so far; applied once the start-up read is done, then as it comes. */
    private WorkerAction latest;

    WorkerCommandFeed(KafkaAdmin kafkaAdmin, WorkerIdentity identity, SlotPool slots) {
        this.kafkaConfig = Map.copyOf(kafkaAdmin.getConfigurationProperties());
        this.identity = identity;
        this.slots = slots;
    }

    @Override
    public synchronized void start() {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafkaConfig.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false));
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.WORKER_COMMANDS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        running = true;
        thread = new Thread(() -> follow(ends), "worker-command-feed");
        thread.setDaemon(true);
        thread.start();
        try {
            if (!caughtUp.await(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} not read within {}; starting undrained", Topics.WORKER_COMMANDS.name(), STARTUP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void follow(Map<TopicPartition, Long> ends) {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    read(record);
                }
                if (caughtUp.getCount() > 0
                        && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    apply(latest);
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error(
                    "stopped reading {}; drain commands no longer reach this worker", Topics.WORKER_COMMANDS.name(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void read(ConsumerRecord<byte[], byte[]> record) {
        String workerId;
        WorkerCommand command;
        try {
            workerId = Topics.WORKER_COMMANDS.key(record);
            command = record.value() == null ? null : Topics.WORKER_COMMANDS.value(record);
        } catch (SerializationException e) {
            log.warn("skipping undecodable worker command at {}@{}", record.partition(), record.offset());
            return;
        }
        if (!identity.id().equals(workerId)) {
            return;
        }
        latest = command == null ? WorkerAction.UNDRAIN : command.getAction();
        if (caughtUp.getCount() == 0) {
            log.info("worker command {} from {}", latest, command == null ? "a tombstone" : command.getSource());
            apply(latest);
        }
    }

    private void apply(WorkerAction action) {
        if (action == WorkerAction.DRAIN) {
            slots.drain();
        } else if (action == WorkerAction.UNDRAIN) {
            slots.undrain();
        }
        // UNKNOWN (a newer action this worker does not know) and no command at all change nothing
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
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before the slots, so that a drained worker never takes a task at start-up. */
    @Override
    public int getPhase() {
        return -1;
    }
}
