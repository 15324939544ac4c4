package io.dsp.gpuconsumer.control;

import io.dsp.schemas.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Reads {@code dsp.task-control} into {@link Cancellations}: from the memory window back at start-up (so a cancel sent
 * while this worker was down still counts), then as commands arrive. Not a group member: every worker reads every
 * command, since any of them may hold the task.
 */
final class TaskControlFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TaskControlFeed.class);

    private final Map<String, Object> kafkaConfig;
    private final Cancellations cancellations;
    private final ControlSettings settings;
    private final Clock clock;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    TaskControlFeed(KafkaAdmin kafkaAdmin, Cancellations cancellations, ControlSettings settings, Clock clock) {
        this.kafkaConfig = Map.copyOf(kafkaAdmin.getConfigurationProperties());
        this.cancellations = cancellations;
        this.settings = settings;
        this.clock = clock;
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
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.TASK_CONTROL.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        long since = clock.millis() - settings.cancelMemory().toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, since));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp offset = offsets.get(tp);
            if (offset == null) {
                consumer.seekToEnd(List.of(tp));
            } else {
                consumer.seek(tp, offset.offset());
            }
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        running = true;
        thread = new Thread(() -> tail(ends), "task-control-feed");
        thread.setDaemon(true);
        thread.start();
        try {
            if (!caughtUp.await(settings.startupTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn(
                        "{} not read within {}; starting anyway, later cancels act on running tasks",
                        Topics.TASK_CONTROL.name(),
                        settings.startupTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void tail(Map<TopicPartition, Long> ends) {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
                if (caughtUp.getCount() > 0
                        && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("stopped reading {}; cancels no longer reach this worker", Topics.TASK_CONTROL.name(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            cancellations.apply(Topics.TASK_CONTROL.value(record));
        } catch (SerializationException e) {
            log.warn("skipping undecodable task control record at {}@{}", record.partition(), record.offset());
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
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before the slots, which ask {@link Cancellations} before every task. */
    @Override
    public int getPhase() {
        return -1;
    }
}
