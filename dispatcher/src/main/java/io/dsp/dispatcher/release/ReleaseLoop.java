package io.dsp.dispatcher.release;

import io.dsp.dispatcher.DispatcherMetrics;
import io.dsp.dispatcher.DispatcherSettings;
import io.dsp.dispatcher.fleet.FleetFeed;
import io.dsp.dispatcher.fleet.FleetView;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The dispatcher's one loop: read every tenant topic as the {@link Groups#DISPATCHER} group, and forward tasks to
 * {@code dsp.dispatch} round-robin across tenants while the fleet has room. A tenant's offset is committed only past
 * what was released (after the forward is acknowledged), so waiting work stays in its tenant topic as the group's lag
 * and survives any restart. Forwarding is at-least-once: after a failed or interrupted forward a task can reach
 * {@code dsp.dispatch} twice (fleet-wide dedupe by request id is issue 6; exactly-once across this hop is issue 3).
 */
@Component
class ReleaseLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReleaseLoop.class);
    private static final String SOURCE = "dispatcher";

    private final ConsumerFactory<byte[], byte[]> consumers;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final FleetView fleet;
    private final FleetFeed feed;
    private final DispatcherSettings settings;
    private final Clock clock;
    private final Counter released;
    private final Counter undecodable;
    private final TenantBuffers buffers = new TenantBuffers();
    private final Set<TopicPartition> paused = new HashSet<>();
    private Consumer<byte[], byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile RuntimeException failure;

    ReleaseLoop(
            ConsumerFactory<byte[], byte[]> consumers,
            KafkaTemplate<byte[], byte[]> kafka,
            FleetView fleet,
            FleetFeed feed,
            DispatcherSettings settings,
            Clock clock,
            MeterRegistry meters) {
        this.consumers = consumers;
        this.kafka = kafka;
        this.fleet = fleet;
        this.feed = feed;
        this.settings = settings;
        this.clock = clock;
        this.released = meters.counter(DispatcherMetrics.RELEASED);
        this.undecodable = meters.counter(DispatcherMetrics.UNDECODABLE);
        Gauge.builder(DispatcherMetrics.WINDOW, () -> fleet.window(clock.instant()))
                .register(meters);
        Gauge.builder(DispatcherMetrics.IN_FLIGHT, () -> fleet.inFlight(clock.instant()))
                .register(meters);
        Gauge.builder(DispatcherMetrics.FLEET_SLOTS, () -> fleet.liveSlots(clock.instant()))
                .register(meters);
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, "dispatcher-release-loop");
        thread.start();
    }

    private void run() {
        Restarts restarts = new Restarts();
        while (running) {
            try {
                // Releasing before the in-flight count is rebuilt would overfill the fleet after a restart.
                while (running && !feed.awaitCaughtUp(Duration.ofSeconds(1))) {
                    log.info("waiting for the fleet view to catch up before releasing");
                }
                consumer = consumers.createConsumer(Groups.DISPATCHER, "release", null, null);
                consumer.subscribe(TenantTopics.PATTERN, new Rebalance());
                log.info("release loop started: group={} pattern={}", Groups.DISPATCHER, TenantTopics.PATTERN);
                while (running) {
                    turn();
                    failure = null;
                    restarts.succeeded();
                }
            } catch (WakeupException | InterruptedException e) {
                // stop() woke us up
            } catch (RuntimeException e) {
                failure = e;
                log.error("release loop failed; restarting it from the committed offsets", e);
            } finally {
                closeConsumer();
            }
            if (running && failure != null && !restarts.pause()) {
                return;
            }
        }
    }

    /** Unreleased read-ahead is forgotten: a new consumer reads it again from the committed offsets. */
    private void closeConsumer() {
        Consumer<byte[], byte[]> c = consumer;
        consumer = null;
        buffers.drop(buffers.partitions());
        paused.clear();
        if (c != null) {
            c.close(Duration.ofSeconds(5));
        }
    }

    private void turn() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(settings.pollTimeout())) {
            buffers.add(record);
        }
        releaseWithinWindow();
        applyBackPressure();
    }

    private void releaseWithinWindow() {
        Instant now = clock.instant();
        int window = fleet.window(now);
        List<Release> batch = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> skipped = new HashMap<>();
        while (window > 0) {
            Optional<ConsumerRecord<byte[], byte[]>> next = buffers.poll();
            if (next.isEmpty()) {
                break;
            }
            ConsumerRecord<byte[], byte[]> record = next.get();
            TaskRequested task = decode(record);
            if (task == null) {
                skipped.put(partition(record), new OffsetAndMetadata(record.offset() + 1));
                continue;
            }
            batch.add(release(record, task, now));
            window--;
        }
        if (batch.isEmpty() && skipped.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>(skipped);
        if (!awaitAll(batch)) {
            rewind(batch);
            return;
        }
        for (Release r : batch) {
            commits.merge(
                    partition(r.record()),
                    new OffsetAndMetadata(r.record().offset() + 1),
                    (a, b) -> a.offset() > b.offset() ? a : b);
        }
        consumer.commitSync(commits);
        released.increment(batch.size());
    }

    private Release release(ConsumerRecord<byte[], byte[]> record, TaskRequested task, Instant now) {
        fleet.released(task.getRequestId(), now);
        CompletableFuture<?> forward = kafka.send(Topics.DISPATCH.record(task.getRequestId(), task));
        CompletableFuture<?> event = kafka.send(Topics.TASK_EVENTS.record(
                task.getRequestId(),
                TaskEvents.about(task, TaskEventType.DISPATCHED, SOURCE, now).build()));
        log.debug("released requestId={} from {}", task.getRequestId(), record.topic());
        return new Release(record, task, CompletableFuture.allOf(forward, event));
    }

    private TaskRequested decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return TenantTopics.decode(record);
        } catch (SerializationException e) {
            undecodable.increment();
            log.error(
                    "skipping undecodable task {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
            return null;
        }
    }

    private boolean awaitAll(List<Release> batch) {
        try {
            CompletableFuture.allOf(batch.stream().map(Release::sent).toArray(CompletableFuture[]::new))
                    .get(30, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            log.error("forwarding {} tasks failed; they will be released again: {}", batch.size(), e.toString());
            return false;
        }
    }

    /** After a failed forward: rewind each touched tenant to its first task of the batch and read it again. */
    private void rewind(List<Release> batch) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (Release r : batch) {
            first.merge(partition(r.record()), r.record().offset(), Math::min);
            fleet.unreleased(r.task().getRequestId());
        }
        buffers.drop(first.keySet());
        first.forEach(consumer::seek);
        // Dropped tenants are no longer seen by the back-pressure check, so they must not stay paused.
        List<TopicPartition> wasPaused =
                first.keySet().stream().filter(paused::remove).toList();
        consumer.resume(wasPaused);
    }

    /** Pauses tenants whose read-ahead is full, so a long backlog stays in Kafka rather than in memory. */
    private void applyBackPressure() {
        for (TopicPartition tp : buffers.partitions()) {
            int size = buffers.size(tp);
            if (size >= settings.maxBufferedPerTenant() && paused.add(tp)) {
                consumer.pause(List.of(tp));
            } else if (size < settings.maxBufferedPerTenant() / 2 + 1 && paused.remove(tp)) {
                consumer.resume(List.of(tp));
            }
        }
    }

    private static TopicPartition partition(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    @Override
    public void stop() {
        running = false;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t0 = thread;
        if (t0 != null) {
            // Wakes a restart pause; a Kafka call in progress is woken by wakeup() above.
            t0.interrupt();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Why the loop died, if it did; reported by the health endpoint. */
    Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public int getPhase() {
        return 1;
    }

    private record Release(ConsumerRecord<byte[], byte[]> record, TaskRequested task, CompletableFuture<?> sent) {}

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Everything released was committed in its own turn; unreleased read-ahead is simply read again.
            buffers.drop(partitions);
            paused.removeAll(partitions);
            log.info("tenant partitions revoked: {}", partitions.size());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("tenant partitions assigned: {}", partitions.size());
        }
    }
}
