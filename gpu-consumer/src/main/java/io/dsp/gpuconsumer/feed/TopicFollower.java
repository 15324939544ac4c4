package io.dsp.gpuconsumer.feed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * A topic this worker follows outside any group (every worker reads every record): read from a start point up to the
 * end as of start-up before the slots start (phase -1), then followed on its own thread until the worker stops.
 * Subclasses say where to start and what a record means.
 */
public abstract class TopicFollower implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);

    private final Map<String, Object> kafkaConfig;
    private final String topic;
    private final Duration startupTimeout;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    protected TopicFollower(KafkaAdmin kafkaAdmin, String topic, Duration startupTimeout) {
        this.kafkaConfig = Map.copyOf(kafkaAdmin.getConfigurationProperties());
        this.topic = topic;
        this.startupTimeout = startupTimeout;
    }

    /** Positions the consumer in each partition where the start-up read begins. */
    protected abstract void seekStart(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions);

    /** One record, on the follower's thread. */
    protected abstract void onRecord(ConsumerRecord<byte[], byte[]> record);

    /** What the worker does when the start-up read did not finish in time, for the log. */
    protected abstract String whenLate();

    /** What stops working if following the topic fails, for the log. */
    protected abstract String whenStopped();

    /** Called once, on the follower's thread, when the start-up read reached the end it saw at start. */
    protected void onCaughtUp() {}

    /** Whether the start-up read is done. */
    protected final boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafkaConfig.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false));
    }

    @Override
    public synchronized void start() {
        consumer = newConsumer();
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        seekStart(consumer, partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        running = true;
        thread = new Thread(() -> follow(ends), topic + "-follower");
        thread.setDaemon(true);
        thread.start();
        try {
            if (!caughtUp.await(startupTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} not read within {}; {}", topic, startupTimeout, whenLate());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Follows until stopped. A record that cannot be applied is logged and skipped; a consumer that fails (the broker
     * gone for long, a fenced fetch) is replaced after a pause and resumes where it was, so the worker never silently
     * stops hearing commands.
     */
    private void follow(Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        long backoffMillis = 500;
        try {
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        apply(record);
                        positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                    }
                    if (caughtUp.getCount() > 0
                            && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                        onCaughtUp();
                        caughtUp.countDown();
                    }
                    backoffMillis = 500;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    log.error(
                            "reading {} failed; {} until it is read again, retrying in {} ms",
                            topic,
                            whenStopped(),
                            backoffMillis,
                            e);
                    Thread.sleep(backoffMillis);
                    backoffMillis = Math.min(backoffMillis * 2, 5_000);
                    consumer = replace(consumer, positions);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        try {
            onRecord(record);
        } catch (RuntimeException e) {
            log.error("skipping {} record at {}@{}: {}", topic, record.partition(), record.offset(), e.toString(), e);
        }
    }

    /** A new consumer on the same partitions, at the positions reached (the start point for partitions not read yet). */
    private KafkaConsumer<byte[], byte[]> replace(
            KafkaConsumer<byte[], byte[]> failed, Map<TopicPartition, Long> positions) {
        Set<TopicPartition> partitions = failed.assignment();
        try {
            failed.close(Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            log.debug("closing the failed consumer of {}: {}", topic, e.toString());
        }
        KafkaConsumer<byte[], byte[]> fresh = newConsumer();
        fresh.assign(partitions);
        List<TopicPartition> unread = new ArrayList<>(partitions);
        unread.removeAll(positions.keySet());
        if (!unread.isEmpty()) {
            seekStart(fresh, unread);
        }
        positions.forEach(fresh::seek);
        return fresh;
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

    /** Starts before the slots, which depend on what was read. */
    @Override
    public int getPhase() {
        return -1;
    }
}
