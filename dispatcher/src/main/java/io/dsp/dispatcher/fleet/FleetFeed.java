package io.dsp.dispatcher.fleet;

import io.dsp.dispatcher.DispatcherSettings;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps {@link FleetView} current from {@code dsp.workers} (all of it, compacted), {@code dsp.task-events}
 * (the in-flight expiry window back from now) and {@code dsp.task-control} (all of it). Not a group member: every dispatcher instance reads everything.
 */
@Component
public class FleetFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FleetFeed.class);

    private final ConsumerFactory<byte[], byte[]> consumers;
    private final FleetView view;
    private final DispatcherSettings settings;
    private final Clock clock;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile RuntimeException failure;

    FleetFeed(ConsumerFactory<byte[], byte[]> consumers, FleetView view, DispatcherSettings settings, Clock clock) {
        this.consumers = consumers;
        this.view = view;
        this.settings = settings;
        this.clock = clock;
    }

    /** Waits until the view holds everything that was in the topics when the feed started. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void start() {
        running = true;
        consumer = consumers.createConsumer(null, "fleet-feed", null, null);
        thread = new Thread(this::run, "dispatcher-fleet-feed");
        thread.start();
    }

    private void run() {
        long pauseMillis = 1000;
        while (running) {
            try {
                Map<TopicPartition, Long> ends = assignAndSeek();
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        apply(record);
                    }
                    if (caughtUp.getCount() > 0
                            && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                        caughtUp.countDown();
                        log.info(
                                "fleet view caught up: liveSlots={} inFlight={}",
                                view.liveSlots(clock.instant()),
                                view.inFlight(clock.instant()));
                    }
                    failure = null;
                    pauseMillis = 1000;
                }
            } catch (WakeupException e) {
                // stop() woke us up
            } catch (RuntimeException e) {
                // Re-reading is harmless: presence is last-writer-wins and task events are applied idempotently.
                failure = e;
                log.error("fleet feed failed; reading the topics again in {} ms", pauseMillis, e);
            }
            if (running && failure != null) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                pauseMillis = Math.min(pauseMillis * 2, 30_000);
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    private Map<TopicPartition, Long> assignAndSeek() {
        List<TopicPartition> workers = partitions(Topics.WORKERS);
        List<TopicPartition> events = partitions(Topics.TASK_EVENTS);
        // Cancel commands all the way back (the topic's retention): a task may wait far longer than the in-flight
        // expiry (no GPU online overnight) and must still be skipped when reached after a restart. Cancels are few.
        List<TopicPartition> controls = partitions(Topics.TASK_CONTROL);
        List<TopicPartition> all = new ArrayList<>(workers);
        all.addAll(events);
        all.addAll(controls);
        consumer.assign(all);
        consumer.seekToBeginning(workers);
        consumer.seekToBeginning(controls);
        long since = clock.millis() - settings.inFlightExpiry().toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        events.forEach(tp -> query.put(tp, since));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
        for (TopicPartition tp : events) {
            OffsetAndTimestamp offset = offsets.get(tp);
            if (offset == null) {
                consumer.seekToEnd(List.of(tp));
            } else {
                consumer.seek(tp, offset.offset());
            }
        }
        return consumer.endOffsets(all);
    }

    private List<TopicPartition> partitions(TopicSpec<?, ?> topic) {
        return consumer.partitionsFor(topic.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        try {
            if (record.topic().equals(Topics.WORKERS.name())) {
                view.presence(Topics.WORKERS.key(record), Topics.WORKERS.value(record));
            } else if (record.topic().equals(Topics.TASK_CONTROL.name())) {
                if (record.value() != null) {
                    view.control(Topics.TASK_CONTROL.value(record));
                }
            } else if (record.value() != null) {
                view.event(Topics.TASK_EVENTS.value(record));
            }
        } catch (SerializationException e) {
            log.warn(
                    "skipped undecodable record {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void stop() {
        running = false;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        join(thread);
    }

    static void join(Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Whether the view holds what was in the topics at start-up. */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** Why the feed died, if it did; reported by the health endpoint. */
    public java.util.Optional<RuntimeException> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    /** Starts before the release loop and stops after it. */
    @Override
    public int getPhase() {
        return 0;
    }
}
