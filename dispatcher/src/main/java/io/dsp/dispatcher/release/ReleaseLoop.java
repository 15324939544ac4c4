package io.dsp.dispatcher.release;

import io.dsp.dispatcher.DispatcherMetrics;
import io.dsp.dispatcher.DispatcherSettings;
import io.dsp.dispatcher.fleet.FleetFeed;
import io.dsp.dispatcher.fleet.FleetView;
import io.dsp.schemas.avro.QueueFacts;
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
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.stereotype.Component;

/**
 * The dispatcher's one loop: read every tenant topic as the {@link Groups#DISPATCHER} group, and forward tasks to
 * {@code dsp.dispatch} round-robin across tenants while the fleet has room and the tenant is under its in-flight cap.
 *
 * <p>Each turn's releases, their {@code DISPATCHED} events and the tenant offsets past them are one Kafka transaction
 * (offsets sent with the consumer's group metadata), so a release happens exactly once: a crash or abort before the
 * commit leaves nothing visible to the fleet (it reads committed records only) and the tasks are read again; an
 * instance that lost its partitions in a rebalance is fenced by the group generation and cannot commit. Waiting work
 * stays in its tenant topic as the group's lag and survives any restart.
 */
@Component
class ReleaseLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReleaseLoop.class);
    private static final String SOURCE = "dispatcher";

    private final ConsumerFactory<byte[], byte[]> consumers;
    private final Map<String, Object> producerConfig;
    private final String transactionalId;
    private final FleetView fleet;
    private final FleetFeed feed;
    private final DispatcherSettings settings;
    private final Clock clock;
    private final Counter released;
    private final Counter undecodable;
    private final Counter duplicates;
    private final TenantBuffers buffers = new TenantBuffers();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final Map<TopicPartition, String> licenseOf = new HashMap<>();
    private final QueueFactsPublisher queueFacts = new QueueFactsPublisher();
    private final Restarts restarts = new Restarts();
    private Instant nextFacts = Instant.EPOCH;
    private Consumer<byte[], byte[]> consumer;
    private ReleaseTransactions transactions;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile RuntimeException failure;

    ReleaseLoop(
            ConsumerFactory<byte[], byte[]> consumers,
            ProducerFactory<byte[], byte[]> producers,
            FleetView fleet,
            FleetFeed feed,
            DispatcherSettings settings,
            Clock clock,
            MeterRegistry meters) {
        this.consumers = consumers;
        this.producerConfig = producers.getConfigurationProperties();
        // Stable for this process, unique across instances: a replaced producer fences its predecessor.
        this.transactionalId = "dsp-dispatcher-" + UUID.randomUUID();
        this.fleet = fleet;
        this.feed = feed;
        this.settings = settings;
        this.clock = clock;
        this.released = meters.counter(DispatcherMetrics.RELEASED);
        this.undecodable = meters.counter(DispatcherMetrics.UNDECODABLE);
        this.duplicates = meters.counter(DispatcherMetrics.DUPLICATES);
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
        while (running) {
            try {
                // Releasing before the in-flight count is rebuilt would overfill the fleet after a restart.
                while (running && !feed.awaitCaughtUp(Duration.ofSeconds(1))) {
                    log.info("waiting for the fleet view to catch up before releasing");
                }
                consumer = consumers.createConsumer(Groups.DISPATCHER, "release", null, null);
                if (transactions == null) {
                    transactions = new ReleaseTransactions(producerConfig, transactionalId);
                }
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
                break;
            }
        }
        if (transactions != null) {
            transactions.close();
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
        publishQueueFacts();
    }

    private void releaseWithinWindow() {
        Instant now = clock.instant();
        int window = fleet.window(now);
        List<Release> batch = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        while (window > 0) {
            Optional<ConsumerRecord<byte[], byte[]>> next = buffers.poll(this::underCap);
            if (next.isEmpty()) {
                break;
            }
            ConsumerRecord<byte[], byte[]> record = next.get();
            offsets.put(partition(record), new OffsetAndMetadata(record.offset() + 1));
            TaskRequested task = decode(record);
            if (task == null) {
                continue;
            }
            licenseOf.put(partition(record), task.getLicenseKey());
            if (fleet.isKnown(task.getRequestId())) {
                // The same request id queued twice (an edge retry): the first copy is running or ran already.
                duplicates.increment();
                log.warn("dropping a second copy of requestId={} from {}", task.getRequestId(), record.topic());
                continue;
            }
            fleet.released(task.getRequestId(), task.getLicenseKey(), now);
            batch.add(new Release(record, task));
            window--;
        }
        if (offsets.isEmpty()) {
            return;
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Release r : batch) {
            records.add(Topics.DISPATCH.record(r.task().getRequestId(), r.task()));
            records.add(Topics.TASK_EVENTS.record(
                    r.task().getRequestId(),
                    TaskEvents.about(r.task(), TaskEventType.DISPATCHED, SOURCE, now)
                            .build()));
        }
        try {
            transactions.commit(records, offsets, consumer.groupMetadata());
            released.increment(batch.size());
            batch.forEach(r -> log.debug(
                    "released requestId={} from {}",
                    r.task().getRequestId(),
                    r.record().topic()));
        } catch (RuntimeException e) {
            log.error(
                    "releasing {} tasks failed; the transaction was aborted and they will be read again: {}",
                    batch.size(),
                    e.toString());
            rewind(offsets.keySet(), batch);
        }
    }

    /** Whether the tenant of this partition may have one more task in flight. */
    private boolean underCap(TopicPartition tp) {
        String license = licenseOf.get(tp);
        if (license == null) {
            return true; // not decoded yet; its first task decides
        }
        int cap = settings.capOf(license);
        return cap == 0 || fleet.inFlightOf(license) < cap;
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

    /** After an aborted transaction: rewind each touched tenant to its committed offset and read it again. */
    private void rewind(Collection<TopicPartition> touched, List<Release> batch) {
        batch.forEach(r -> fleet.unreleased(r.task().getRequestId()));
        buffers.drop(touched);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(touched));
        for (TopicPartition tp : touched) {
            OffsetAndMetadata offset = committed.get(tp);
            if (offset != null) {
                consumer.seek(tp, offset);
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
        // Dropped tenants are no longer seen by the back-pressure check, so they must not stay paused.
        List<TopicPartition> wasPaused = touched.stream().filter(paused::remove).toList();
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

    private void publishQueueFacts() {
        Instant now = clock.instant();
        if (now.isBefore(nextFacts)) {
            return;
        }
        nextFacts = now.plus(settings.queueFactsInterval());
        List<QueueFacts> current = new ArrayList<>();
        for (TopicPartition tp : consumer.assignment()) {
            List<ConsumerRecord<byte[], byte[]>> head = buffers.peek(tp, QueueFactsPublisher.LISTED);
            String license = licenseOf.computeIfAbsent(tp, k -> head.isEmpty() ? null : licenseOfRecord(head.get(0)));
            QueueFacts facts = QueueFactsPublisher.facts(
                    license,
                    head,
                    buffers.size(tp),
                    consumer.currentLag(tp),
                    license == null ? 0 : fleet.inFlightOf(license),
                    now);
            if (facts != null) {
                current.add(facts);
            }
        }
        List<ProducerRecord<byte[], byte[]>> changed = queueFacts.changed(current);
        if (changed.isEmpty()) {
            return;
        }
        try {
            transactions.commit(changed, Map.of(), consumer.groupMetadata());
            queueFacts.published(current);
        } catch (RuntimeException e) {
            log.warn("could not publish queue facts: {}", e.toString());
        }
    }

    private String licenseOfRecord(ConsumerRecord<byte[], byte[]> record) {
        TaskRequested task = decode(record);
        return task == null ? null : task.getLicenseKey();
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
        restarts.stop();
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

    private record Release(ConsumerRecord<byte[], byte[]> record, TaskRequested task) {}

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Every release was committed in its own turn's transaction; unreleased read-ahead is simply read again.
            buffers.drop(partitions);
            paused.removeAll(partitions);
            partitions.forEach(licenseOf::remove);
            queueFacts.retainOnly(Set.copyOf(licenseOf.values()));
            log.info("tenant partitions revoked: {}", partitions.size());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("tenant partitions assigned: {}", partitions.size());
        }
    }
}
