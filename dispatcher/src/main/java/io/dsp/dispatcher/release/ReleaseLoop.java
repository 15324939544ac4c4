package io.dsp.dispatcher.release;

import io.dsp.core.license.LicenseKeys;
import io.dsp.core.view.TopicView;
import io.dsp.dispatcher.DispatcherMetrics;
import io.dsp.dispatcher.DispatcherSettings;
import io.dsp.dispatcher.fleet.FleetView;
import io.dsp.dispatcher.release.internal.Restarts;
import io.dsp.dispatcher.release.internal.TenantBuffers;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;

/**
 * The dispatcher's loop of one {@link Lane} (one per lane, each with its own group, topics and fleet view): read every tenant topic of the lane (normal and high priority) as the lane's dispatcher
 * group, and forward tasks to the lane's dispatch topic while the fleet has room and the tenant is under its in-flight cap:
 * high-priority tasks first, then weighted round-robin across tenants ({@link TenantBuffers}). A waiting task whose
 * own license asked to cancel it is not released: its offset is committed with a {@code CANCELLED} event instead,
 * even while nothing may be released (a cancelled task at the front of its queue is skipped whatever the window).
 *
 * <p>Each turn's releases, their {@code DISPATCHED} events and the tenant offsets past them are one Kafka transaction
 * (offsets sent with the consumer's group metadata), so a release happens exactly once: a crash or abort before the
 * commit leaves nothing visible to the fleet (it reads committed records only) and the tasks are read again; an
 * instance that lost its partitions in a rebalance is fenced by the group generation and cannot commit. Waiting work
 * stays in its tenant topic as the group's lag and survives any restart.
 */
class ReleaseLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReleaseLoop.class);
    private static final String SOURCE = "dispatcher";

    /**
     * No silent reset: a partition without a committed offset, or whose committed offset retention deleted, is
     * reported to the loop, which decides where to start and records any loss ({@link #startFromTheLogStart}).
     */
    private static final Properties NO_SILENT_RESET = properties(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");

    private final ConsumerFactory<byte[], byte[]> consumers;
    private final Map<String, Object> producerConfig;
    private final String transactionalId;
    private final FleetView fleet;
    private final TopicView feed;
    private final DispatcherSettings settings;
    private final Clock clock;
    private final Counter released;
    private final Counter undecodable;
    private final Counter duplicates;
    private final Counter expired;
    private final MeterRegistry meters;
    private final TenantBuffers buffers;
    private final Set<TopicPartition> paused = new HashSet<>();
    /** Tenant partitions assigned to this instance, kept by the rebalance listener. */
    private final Set<TopicPartition> assigned = new HashSet<>();
    /** License key by tenant, the tenant known by its normal-priority topic name (both topics share it). */
    private final Map<String, String> licenseOf = new HashMap<>();

    private final Lane lane;
    /** Queue positions for task status: GPU lane only (the automation lane's waits are not shown as positions). */
    private final QueueFactsPublisher queueFacts;

    private final Restarts restarts = new Restarts();
    private final ArchivedTasks archived;
    private final Counter archivedEnded;
    private Consumer<byte[], byte[]> consumer;
    private final TopUpGate topUps;

    private ReleaseTransactions transactions;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile RuntimeException failure;

    ReleaseLoop(
            ConsumerFactory<byte[], byte[]> consumers,
            ProducerFactory<byte[], byte[]> producers,
            FleetView fleet,
            TopicView feed,
            DispatcherSettings settings,
            Clock clock,
            MeterRegistry meters) {
        this(Lane.GPU, consumers, producers, fleet, feed, settings, clock, meters);
    }

    ReleaseLoop(
            Lane lane,
            ConsumerFactory<byte[], byte[]> consumers,
            ProducerFactory<byte[], byte[]> producers,
            FleetView fleet,
            TopicView feed,
            DispatcherSettings settings,
            Clock clock,
            MeterRegistry meters) {
        this.lane = lane;
        this.consumers = consumers;
        this.producerConfig = producers.getConfigurationProperties();
        // Stable for this process, unique across instances: a replaced producer fences its predecessor.
        this.transactionalId = "dsp-dispatcher-" + lane.wireName() + "-" + UUID.randomUUID();
        this.fleet = fleet;
        this.feed = feed;
        this.settings = settings;
        this.topUps = new TopUpGate(settings.topUpLinger());
        this.clock = clock;
        this.released = meters.counter(DispatcherMetrics.RELEASED);
        this.undecodable = meters.counter(DispatcherMetrics.UNDECODABLE);
        this.duplicates = meters.counter(DispatcherMetrics.DUPLICATES);
        this.expired = meters.counter(DispatcherMetrics.BACKLOG_EXPIRED);
        this.archived = new ArchivedTasks(lane, producerConfig, settings.deliveryCountLimit());
        this.archivedEnded = meters.counter(DispatcherMetrics.ofLane(DispatcherMetrics.ARCHIVED_ENDED, lane));
        this.meters = meters;
        this.queueFacts =
                lane == Lane.GPU ? new QueueFactsPublisher(fleet, meters, settings.queueFactsInterval()) : null;
        Map<String, Integer> weights = settings.weightsByTenantTopic();
        this.buffers = new TenantBuffers(tenant -> weights.getOrDefault(tenant, 1));
        Gauge.builder(DispatcherMetrics.ofLane(DispatcherMetrics.WINDOW, lane), () -> fleet.window(clock.instant()))
                .register(meters);
        FunctionCounter.builder(
                        DispatcherMetrics.ofLane(DispatcherMetrics.TOP_UP_HOLDS, lane), topUps, TopUpGate::holds)
                .description("times releases that only top up the prefetch were held back to go out together")
                .register(meters);
        Gauge.builder(
                        DispatcherMetrics.ofLane(DispatcherMetrics.IN_FLIGHT, lane),
                        () -> fleet.inFlight(clock.instant()))
                .register(meters);
        Gauge.builder(
                        DispatcherMetrics.ofLane(DispatcherMetrics.FLEET_SLOTS, lane),
                        () -> fleet.liveSlots(clock.instant()))
                .register(meters);
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(
                this::run, lane == Lane.GPU ? "dispatcher-release-loop" : "dispatcher-release-loop-" + lane.wireName());
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                // Releasing before the in-flight count is rebuilt would overfill the fleet after a restart.
                while (running && !feed.awaitCaughtUp(Duration.ofSeconds(1))) {
                    log.info("waiting for the fleet view to catch up before releasing");
                }
                consumer = consumers.createConsumer(
                        lane.dispatcherGroup(), "release-" + lane.wireName(), null, NO_SILENT_RESET);
                if (transactions == null) {
                    transactions = new ReleaseTransactions(producerConfig, transactionalId);
                }
                Pattern tenants = TenantTopics.pattern(lane);
                consumer.subscribe(tenants, new Rebalance());
                log.info(
                        "release loop started: lane={} group={} pattern={}",
                        lane.wireName(),
                        lane.dispatcherGroup(),
                        tenants);
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
        archived.close();
    }

    /**
     * Records the end of tasks released here that the broker archived with no outcome (their worker died on their last
     * delivery): a dead letter and a DEAD_LETTERED event each, so that no task ends in silence (see
     * {@link ArchivedTasks}). A failed write is tried again on a later turn.
     */
    private void endArchived() {
        Instant now = clock.instant();
        List<FleetView.Vanished> lost = archived.archived(fleet.vanished(), now).stream()
                .filter(v -> fleet.stillVanished(v.task().getRequestId()))
                .toList();
        if (lost.isEmpty()) {
            return;
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        lost.forEach(v -> records.addAll(ArchivedTasks.endOf(v, SOURCE, now)));
        try {
            transactions.commit(records, Map.of(), consumer.groupMetadata());
        } catch (RuntimeException e) {
            log.error("could not record the end of {} archived task(s); trying again: {}", lost.size(), e.toString());
            return;
        }
        for (FleetView.Vanished v : lost) {
            fleet.settled(v.task().getRequestId(), now);
            archivedEnded.increment();
            meters.counter(
                            MetricNames.TASKS_DEAD_LETTERED,
                            MetricNames.TAG_TASK_TYPE,
                            v.task().getTaskType(),
                            "reason",
                            "DELIVERY_LIMIT")
                    .increment();
            MDC.put("request_id", v.task().getRequestId());
            MDC.put("license", LicenseKeys.mask(v.task().getLicenseKey()));
            try {
                log.error(
                        "requestId={} was archived by the broker with no outcome (last held by {}): dead-lettered"
                                + " DELIVERY_LIMIT",
                        v.task().getRequestId(),
                        v.lastHolder());
            } finally {
                MDC.remove("request_id");
                MDC.remove("license");
            }
        }
    }

    /** Unreleased read-ahead is forgotten: a new consumer reads it again from the committed offsets. */
    private void closeConsumer() {
        Consumer<byte[], byte[]> c = consumer;
        consumer = null;
        buffers.drop(buffers.partitions());
        paused.clear();
        assigned.clear();
        if (c != null) {
            c.close(Duration.ofSeconds(5));
        }
    }

    private void turn() throws InterruptedException {
        Duration wait = settings.pollTimeout();
        if (!buffers.isEmpty()) {
            Instant now = clock.instant();
            Duration held = topUpHeld(now);
            if (fleet.window(now) == 0 || !held.isZero()) {
                // Tasks in hand and no room (or only a top-up being gathered): wait for room, not for records, so a
                // slot that frees is served at once.
                fleet.awaitRoom(!held.isZero() && held.compareTo(wait) < 0 ? held : wait);
                wait = Duration.ZERO;
            }
        }
        ConsumerRecords<byte[], byte[]> polled;
        try {
            polled = consumer.poll(wait);
        } catch (InvalidOffsetException e) {
            // A tenant the group never committed for (a new topic), or one whose committed position retention deleted.
            Map<TopicPartition, Long> positions = new HashMap<>();
            if (e instanceof OffsetOutOfRangeException outOfRange) {
                positions.putAll(outOfRange.offsetOutOfRangePartitions());
            }
            startFromTheLogStart(e.partitions(), positions);
            return;
        }
        for (ConsumerRecord<byte[], byte[]> record : polled) {
            buffers.add(record);
        }
        releaseWithinWindow();
        endArchived();
        applyBackPressure();
        if (queueFacts != null) {
            queueFacts.publishIfDue(clock.instant(), consumer, buffers, this::licenseOf, transactions);
        }
    }

    /** How much longer releases wait that would only top up the prefetch ({@link TopUpGate}); zero: release now. */
    private Duration topUpHeld(Instant now) {
        return topUps.held(now, fleet.window(now), fleet.everySlotServed(now));
    }

    private void releaseWithinWindow() {
        Instant now = clock.instant();
        // with nothing in hand nothing is released, and no hold begins: it begins with the first task there is room for
        int window = buffers.isEmpty() || topUpHeld(now).isZero() ? fleet.window(now) : 0;
        List<Release> batch = new ArrayList<>();
        List<Release> cancelled = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        skipCancelledFronts(cancelled, offsets);
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
            licenseOf.put(tenantOf(partition(record)), task.getLicenseKey());
            Release release = new Release(record, task, TraceContext.continueOrStart(record.headers()));
            if (fleet.isKnown(task.getRequestId())) {
                // The same request id queued twice (an edge retry): the first copy is running or ran already.
                duplicates.increment();
                withContext(release, () -> log.warn("dropping a second copy from {}", record.topic()));
                continue;
            }
            FleetView.CancelVerdict verdict = fleet.cancelVerdict(task.getRequestId(), task.getLicenseKey());
            if (verdict == FleetView.CancelVerdict.CANCELLED) {
                // Skipped for good: its offset goes with this turn, and so does its CANCELLED event. No slot is used.
                cancelled.add(release);
                continue;
            }
            if (verdict == FleetView.CancelVerdict.FOREIGN_ONLY) {
                withContext(
                        release,
                        () -> log.warn("ignoring a cancel of this task sent with another license's key; releasing it"));
            }
            fleet.released(task, now);
            batch.add(release);
            window--;
        }
        if (!batch.isEmpty()) {
            topUps.released();
        }
        if (offsets.isEmpty()) {
            return;
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Release r : batch) {
            records.add(traced(lane.dispatch().record(r.task().getRequestId(), r.task()), r.trace()));
            records.add(traced(
                    Topics.TASK_EVENTS.record(
                            r.task().getRequestId(),
                            TaskEvents.about(r.task(), TaskEventType.DISPATCHED, SOURCE, now)
                                    .build()),
                    r.trace()));
        }
        for (Release r : cancelled) {
            records.add(traced(
                    Topics.TASK_EVENTS.record(
                            r.task().getRequestId(),
                            TaskEvents.about(r.task(), TaskEventType.CANCELLED, SOURCE, now)
                                    .setError(new TaskError("CANCELLED", "任务已取消"))
                                    .build()),
                    r.trace()));
        }
        List<RecordMetadata> written;
        try {
            written = transactions.commit(records, offsets, consumer.groupMetadata());
        } catch (RuntimeException e) {
            log.error(
                    "releasing {} tasks (and skipping {} cancelled) failed; the transaction was aborted and they will be"
                            + " read again: {}",
                    batch.size(),
                    cancelled.size(),
                    e.toString());
            rewind(offsets.keySet(), batch);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            // each release wrote its task, then its DISPATCHED event
            RecordMetadata placed = written.get(2 * i);
            String requestId = batch.get(i).task().getRequestId();
            fleet.reached(requestId);
            fleet.placed(requestId, new TopicPartition(placed.topic(), placed.partition()), placed.offset());
        }
        cancelled.forEach(r -> fleet.skipped(r.task().getRequestId(), now));
        released.increment(batch.size());
        for (Release r : batch) {
            meters.counter(
                            MetricNames.TASKS_DISPATCHED,
                            MetricNames.TAG_TASK_TYPE,
                            r.task().getTaskType())
                    .increment();
            Duration waited = Duration.between(r.task().getRequestedAt(), now);
            // An edge clock ahead of ours would make a negative wait; it counts as none.
            latency(r.task().getPriority()).record(waited.isNegative() ? Duration.ZERO : waited);
            withContext(r, () -> log.debug("released from {}", r.record().topic()));
        }
        for (Release r : cancelled) {
            meters.counter(
                            MetricNames.TASKS_CANCELLED,
                            MetricNames.TAG_TASK_TYPE,
                            r.task().getTaskType(),
                            MetricNames.TAG_SOURCE,
                            SOURCE)
                    .increment();
            withContext(r, () -> log.info("cancelled while waiting; not released"));
        }
    }

    /**
     * Skips the tasks at the front of each tenant queue (normal and high) that their own license cancelled, whatever
     * the window: with no worker online, at the tenant's cap or with the fleet draining, the window loop reaches
     * nothing, and a cancelled task must still end {@code CANCELLED} now rather than run when the GPUs come back.
     * Like the window loop's skip, each goes with its offset and one {@code CANCELLED} event in this turn's
     * transaction. Only the front of a queue is taken, so the committed offsets stay contiguous; a queue is taken from
     * until its front is not cancelled. Undecodable and duplicate fronts are dropped on the way, as the window loop
     * would, so they neither block the queue nor get decoded again each turn.
     */
    private void skipCancelledFronts(List<Release> cancelled, Map<TopicPartition, OffsetAndMetadata> offsets) {
        for (TopicPartition tp : buffers.partitions()) {
            while (true) {
                Optional<ConsumerRecord<byte[], byte[]>> front = buffers.first(tp);
                // Every edge keys a task by its request id: only a front with a cancel is worth decoding.
                if (front.isEmpty() || !fleet.hasCancel(requestIdKey(front.get()))) {
                    break;
                }
                ConsumerRecord<byte[], byte[]> record = front.get();
                TaskRequested task = decode(record);
                if (task != null) {
                    licenseOf.put(tenantOf(tp), task.getLicenseKey());
                    Release release = new Release(record, task, TraceContext.continueOrStart(record.headers()));
                    if (fleet.isKnown(task.getRequestId())) {
                        duplicates.increment();
                        withContext(release, () -> log.warn("dropping a second copy from {}", record.topic()));
                    } else if (fleet.cancelVerdict(task.getRequestId(), task.getLicenseKey())
                            == FleetView.CancelVerdict.CANCELLED) {
                        cancelled.add(release);
                    } else {
                        break; // a foreign cancel only: released in its turn by the window loop
                    }
                }
                buffers.pollFirst(tp);
                offsets.put(tp, new OffsetAndMetadata(record.offset() + 1));
            }
        }
    }

    private static String requestIdKey(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "" : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private Timer latency(Priority priority) {
        return Timer.builder(MetricNames.DISPATCH_LATENCY)
                .tag(MetricNames.TAG_PRIORITY, priority.name().toLowerCase(java.util.Locale.ROOT))
                .description("accepted at the edge to released into dsp.dispatch")
                .publishPercentileHistogram()
                .register(meters);
    }

    /** The record with the hop's trace context, a child of the one the task came with. */
    private static ProducerRecord<byte[], byte[]> traced(ProducerRecord<byte[], byte[]> record, TraceContext trace) {
        trace.writeTo(record.headers());
        return record;
    }

    /** Runs a log statement with the task's request id, masked license key and trace id in the MDC. */
    private static void withContext(Release release, Runnable logStatement) {
        MDC.put("request_id", release.task().getRequestId());
        MDC.put("license", LicenseKeys.mask(release.task().getLicenseKey()));
        MDC.put("trace_id", release.trace().traceId());
        try {
            logStatement.run();
        } finally {
            MDC.remove("request_id");
            MDC.remove("license");
            MDC.remove("trace_id");
        }
    }

    /** The tenant of a tenant partition: its normal-priority topic name, shared by both of its topics. */
    private static String tenantOf(TopicPartition tp) {
        return TenantTopics.normalTopicOf(tp.topic());
    }

    /** Whether the tenant of this partition may have one more task in flight (its two topics count as one). */
    private boolean underCap(TopicPartition tp) {
        String license = licenseOf.get(tenantOf(tp));
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

    /**
     * Places the given tenant partitions at the start of their logs. Whatever lies between where the group stood (0
     * for a partition it never committed) and the log's start was deleted by retention unreleased: it is recorded as a
     * {@code BACKLOG_EXPIRED} dead letter in the transaction that commits the new position (ADR 020), never skipped
     * silently. A position past the log's end (a truncated log) goes back to its end, said loudly.
     */
    private void startFromTheLogStart(Collection<TopicPartition> partitions, Map<TopicPartition, Long> positions) {
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Instant now = clock.instant();
        List<ProducerRecord<byte[], byte[]>> letters = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            long start = starts.getOrDefault(tp, 0L);
            long end = ends.getOrDefault(tp, start);
            long position = positions.getOrDefault(tp, 0L);
            if (position > end) {
                log.error(
                        "{} stood at offset {}, past the log's end {} (a truncated log); reading on from the end",
                        tp,
                        position,
                        end);
                consumer.seek(tp, end);
                continue;
            }
            Optional<ExpiredBacklog> lost = ExpiredBacklog.between(tp, position, start);
            if (lost.isPresent()) {
                String license = licenseOf.getOrDefault(tenantOf(tp), TenantTopics.normalTopicOf(tp.topic()));
                letters.add(lost.get().deadLetter(license, now));
                offsets.put(tp, new OffsetAndMetadata(start));
                expired.increment(lost.get().count());
                log.error(
                        "backlog lost: {}; recorded as dead letter {}",
                        lost.get().description(),
                        lost.get().id());
            }
            consumer.seek(tp, start);
        }
        if (!letters.isEmpty()) {
            // Recorded once: the same transaction moves the group past the lost range.
            transactions.commit(letters, offsets, consumer.groupMetadata());
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

    /** The license of a tenant: known from a task already decoded, else read from its first waiting one. */
    private String licenseOf(String tenant, List<ConsumerRecord<byte[], byte[]>> head) {
        return licenseOf.computeIfAbsent(tenant, k -> {
            TaskRequested task = head.isEmpty() ? null : decode(head.get(0));
            return task == null ? null : task.getLicenseKey();
        });
    }

    private static Properties properties(String key, String value) {
        Properties properties = new Properties();
        properties.setProperty(key, value);
        return properties;
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

    private record Release(ConsumerRecord<byte[], byte[]> record, TaskRequested task, TraceContext trace) {}

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Every release was committed in its own turn's transaction; unreleased read-ahead is simply read again.
            buffers.drop(partitions);
            paused.removeAll(partitions);
            assigned.removeAll(partitions);
            // A tenant stays known while either of its topics is still assigned here.
            Set<String> keptTenants = new HashSet<>();
            assigned.forEach(tp -> keptTenants.add(tenantOf(tp)));
            licenseOf.keySet().retainAll(keptTenants);
            if (queueFacts != null) {
                queueFacts.retainOnly(Set.copyOf(licenseOf.values()));
            }
            log.info("tenant partitions revoked: {}", partitions.size());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned.addAll(partitions);
            log.info("tenant partitions assigned: {}", partitions.size());
        }
    }
}
