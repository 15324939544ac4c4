package io.dsp.core.view;

import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.topic.TopicSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The one way a service keeps a view of Kafka topics outside any consumer group: every instance reads every record of
 * the topics it follows, each from its own {@link StartRule}, first up to the end as it was at start-up (the
 * {@linkplain #awaitCaughtUp caught-up latch} gates readiness), then live until the service stops.
 *
 * <p>One failure policy, the same for every view:
 *
 * <ul>
 *   <li>a record its handler cannot apply (undecodable, refused) is skipped, counted and logged: one bad record never
 *       stops the view;
 *   <li>a consumer that fails (broker gone for long, a fenced fetch, a failed look at the topic's end) is closed and
 *       replaced after a back-off, and the new one resumes from the positions reached, never from the start;
 *   <li>a view that has made no progress for longer than its stall bound reports {@link #health() DOWN}.
 * </ul>
 *
 * <p>The polling thread is the view's own: a {@link KafkaConsumer} has one owner thread, and a view lives as long as
 * its service (a listener container would add a group, commits and rebalances the view must not have).
 */
public final class TopicView implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TopicView.class);
    /**
     * The longest one look at a topic's end waits on one admin client before it asks a new one (the caller's own
     * timeout still bounds the whole look): an admin client whose leader cache names a killed node never answers.
     */
    static final Duration END_LOOK_ATTEMPT = Duration.ofSeconds(3);

    /** What a view does with one record, on the view's thread. Throwing skips the record (counted). */
    @FunctionalInterface
    public interface RecordHandler {
        void apply(ConsumerRecord<byte[], byte[]> record) throws Exception;
    }

    /** Applies one decoded entry of a keyed (usually compacted) topic; {@code value} is null for a tombstone. */
    @FunctionalInterface
    public interface EntryHandler<K, V> {
        void apply(K key, V value) throws Exception;
    }

    /** Applies one decoded value of an event topic. */
    @FunctionalInterface
    public interface ValueHandler<V> {
        void apply(V value) throws Exception;
    }

    private record Followed(String topic, StartRule start, RecordHandler handler) {}

    private final String name;
    private final Map<String, Followed> followed;
    private final Map<String, Object> consumerConfig;
    private final Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory;
    private final Clock clock;
    private final Duration stallAfter;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final Duration pollTimeout;
    private final Duration liveCheckEvery;
    private final Duration startupWait;
    private final boolean startupRequired;
    private final int phase;
    private final Runnable onCaughtUp;

    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Object progress = new Object();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong replaced = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();
    private final Counter appliedCounter;
    private final Counter skippedCounter;
    private final Counter replacedCounter;

    private volatile Map<TopicPartition, Long> startEnds;
    private volatile List<TopicPartition> partitions;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile boolean running;
    private volatile RuntimeException failure;
    private volatile Instant lastProgress;
    private Instant lastLiveCheck = Instant.EPOCH;
    private Thread thread;
    private Admin admin;

    /** Looks at a topic's end shared by callers asking together, by topic and isolation. */
    private final Map<String, SharedLook<Map<TopicPartition, Long>>> endLooks = new ConcurrentHashMap<>();

    /** Runs those looks: one thread per topic and isolation looking at once, gone after a minute idle; guarded by this. */
    private ThreadPoolExecutor endLooker;

    private TopicView(Builder b) {
        this.name = b.name;
        this.followed = Map.copyOf(b.followed);
        this.consumerConfig = consumerConfig(b.config, b.readCommitted);
        this.consumerFactory = b.consumerFactory;
        this.clock = b.clock;
        this.stallAfter = b.stallAfter;
        this.backoffInitial = b.backoffInitial;
        this.backoffMax = b.backoffMax;
        this.pollTimeout = b.pollTimeout;
        this.liveCheckEvery = b.liveCheckEvery;
        this.startupWait = b.startupWait;
        this.startupRequired = b.startupRequired;
        this.phase = b.phase;
        this.onCaughtUp = b.onCaughtUp;
        MeterRegistry meters = b.meters;
        this.appliedCounter = Counter.builder(MetricNames.VIEW_RECORDS_APPLIED)
                .description("Records a view applied")
                .tag(MetricNames.TAG_VIEW, name)
                .register(meters);
        this.skippedCounter = Counter.builder(MetricNames.VIEW_RECORDS_SKIPPED)
                .description("Records a view could not apply and skipped")
                .tag(MetricNames.TAG_VIEW, name)
                .register(meters);
        this.replacedCounter = Counter.builder(MetricNames.VIEW_CONSUMERS_REPLACED)
                .description("Consumers a view replaced after they failed")
                .tag(MetricNames.TAG_VIEW, name)
                .register(meters);
        Gauge.builder(MetricNames.VIEW_LAG, lag, AtomicLong::get)
                .description("Records between a view's positions and the ends of its topics, at its last look")
                .tag(MetricNames.TAG_VIEW, name)
                .register(meters);
        Gauge.builder(MetricNames.VIEW_STALLED, this, v -> v.stalled() ? 1 : 0)
                .description("1 while a view has made no progress for longer than its stall bound")
                .tag(MetricNames.TAG_VIEW, name)
                .register(meters);
    }

    /** A view named {@code name} (thread, metrics, logs) reading with the given client settings (bootstrap, security). */
    public static Builder builder(String name, Map<String, ?> kafkaConfig) {
        return new Builder(name, kafkaConfig);
    }

    private static Map<String, Object> consumerConfig(Map<String, Object> given, boolean readCommitted) {
        Map<String, Object> config = new HashMap<>();
        given.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                config.put(k, v);
            }
        });
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                (readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED)
                        .toString()
                        .toLowerCase(java.util.Locale.ROOT));
        return config;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Lifecycle

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        lastProgress = clock.instant();
        try {
            // Positions are resolved before start() returns: nothing written after it is missed.
            consumer = open();
        } catch (RuntimeException e) {
            fail(e);
        }
        thread = new CustomizableThreadFactory(name + "-view-").newThread(this::follow);
        thread.setDaemon(true);
        thread.start();
        if (startupWait.isZero()) {
            return;
        }
        try {
            if (!caughtUp.await(startupWait.toMillis(), TimeUnit.MILLISECONDS)) {
                if (startupRequired) {
                    stop();
                    throw new IllegalStateException("view " + name + " could not read " + followed.keySet() + " within "
                            + startupWait + (failure == null ? "" : ": " + failure));
                }
                log.warn(
                        "view {} did not read {} within {}; going on, it catches up in the background",
                        name,
                        followed.keySet(),
                        startupWait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        Thread t;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            t = thread;
        }
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        synchronized (progress) {
            progress.notifyAll();
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Callers still waiting for a look fail now rather than at their timeout; a view started again looks afresh.
        List<SharedLook<Map<TopicPartition, Long>>> looks = List.copyOf(endLooks.values());
        endLooks.clear();
        looks.forEach(look -> look.abort(new TimeoutException("view " + name + " stopped")));
        synchronized (this) {
            if (endLooker != null) {
                endLooker.shutdownNow();
                endLooker = null;
            }
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
                admin = null;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return phase;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The loop and its failure policy

    private Consumer<byte[], byte[]> open() {
        Consumer<byte[], byte[]> c = consumerFactory.apply(consumerConfig);
        consumer = c; // so that stop() can wake a consumer still looking up its partitions
        try {
            List<TopicPartition> all = new ArrayList<>();
            Map<String, List<TopicPartition>> unread = new LinkedHashMap<>();
            for (String topic : followed.keySet()) {
                List<TopicPartition> ofTopic = c.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
                if (ofTopic.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " does not exist");
                }
                all.addAll(ofTopic);
                unread.put(
                        topic,
                        ofTopic.stream()
                                .filter(tp -> !positions.containsKey(tp))
                                .toList());
            }
            c.assign(all);
            unread.forEach((topic, tps) -> {
                if (!tps.isEmpty()) {
                    followed.get(topic).start().seek(c, tps, clock);
                }
            });
            positions.forEach((tp, offset) -> {
                if (all.contains(tp)) {
                    c.seek(tp, offset);
                }
            });
            all.forEach(tp -> positions.put(tp, c.position(tp)));
            if (startEnds == null) {
                startEnds = Map.copyOf(c.endOffsets(all));
            }
            partitions = List.copyOf(all);
            return c;
        } catch (RuntimeException e) {
            consumer = null;
            closeQuietly(c);
            throw e;
        }
    }

    private void follow() {
        long backoff = backoffInitial.toMillis();
        while (running) {
            try {
                Consumer<byte[], byte[]> c = consumer;
                if (c == null) {
                    c = open();
                    replaced.incrementAndGet();
                    replacedCounter.increment();
                    log.info("view {} resumed with a new consumer at {}", name, positions);
                }
                for (ConsumerRecord<byte[], byte[]> record : c.poll(pollTimeout)) {
                    apply(record);
                }
                for (TopicPartition tp : partitions) {
                    positions.put(tp, c.position(tp));
                }
                checkCaughtUp();
                lookAtTheEnd(c);
                failure = null;
                lastProgress = clock.instant();
                backoff = backoffInitial.toMillis();
                synchronized (progress) {
                    progress.notifyAll();
                }
            } catch (WakeupException e) {
                // stop() woke us
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                fail(e);
                log.error(
                        "view {} failed reading {}; replacing its consumer in {} ms, resuming where it was",
                        name,
                        followed.keySet(),
                        backoff,
                        e);
                closeQuietly(consumer);
                consumer = null;
                pause(backoff);
                backoff = Math.min(backoff * 2, backoffMax.toMillis());
            }
        }
        closeQuietly(consumer);
        consumer = null;
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        try {
            followed.get(record.topic()).handler().apply(record);
            applied.incrementAndGet();
            appliedCounter.increment();
        } catch (Exception e) {
            skipped.incrementAndGet();
            skippedCounter.increment();
            log.warn(
                    "view {} skipped record {}-{}@{}: {}",
                    name,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.toString());
        }
    }

    private void checkCaughtUp() {
        if (caughtUp.getCount() == 0) {
            return;
        }
        if (startEnds.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), -1L) >= e.getValue())) {
            onCaughtUp.run();
            caughtUp.countDown();
            log.info("view {} caught up with {}: {} records applied", name, followed.keySet(), applied.get());
        }
    }

    /**
     * Looks at the ends of the topics now and then: it measures the lag, and it is how a consumer whose broker is
     * gone is noticed (a poll without a broker returns nothing, without an error).
     */
    private void lookAtTheEnd(Consumer<byte[], byte[]> c) {
        Instant now = clock.instant();
        if (Duration.between(lastLiveCheck, now).compareTo(liveCheckEvery) < 0) {
            return;
        }
        Duration timeout = stallAfter.compareTo(Duration.ofSeconds(10)) < 0 ? stallAfter : Duration.ofSeconds(10);
        Map<TopicPartition, Long> ends = c.endOffsets(partitions, timeout);
        lag.set(ends.entrySet().stream()
                .mapToLong(e -> Math.max(0, e.getValue() - positions.getOrDefault(e.getKey(), 0L)))
                .sum());
        lastLiveCheck = now;
    }

    private void fail(RuntimeException e) {
        failure = e;
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private void pause(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (progress) {
            long left;
            while (running && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    private void closeQuietly(Consumer<byte[], byte[]> c) {
        if (c == null) {
            return;
        }
        try {
            c.close(Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            log.debug("closing a consumer of view {}: {}", name, e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // What callers ask

    /** Whether the view holds everything that was in its topics when it started. */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** Waits until the view holds everything that was in its topics when it started. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether this record was read as part of the start-up read (written before the view started): a view that
     * routes live events can fold old ones into its state without sending them anywhere.
     */
    public boolean readAtStart(ConsumerRecord<?, ?> record) {
        Map<TopicPartition, Long> ends = startEnds;
        return ends != null
                && record.offset() < ends.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L);
    }

    /**
     * Waits until the view holds everything committed to {@code topic} before this call: what any service had written
     * by then is seen (the ledger before each task, the license registry after a change).
     *
     * @throws TimeoutException when the view does not get there in time, or is stalled
     */
    public void awaitCurrentEnd(String topic, Duration timeout) throws InterruptedException, TimeoutException {
        awaitEnd(topic, timeout, isolation());
    }

    /**
     * Waits until the view is past everything written to {@code topic} before this call, including records of
     * transactions still open then, i.e. until each of those transactions has ended. A read-committed view cannot pass
     * an open transaction: what was written after it (even without a transaction) stays unseen until it ends, which
     * after a broker restart can take until the coordinator aborts it. Same as {@link #awaitCurrentEnd} for a view
     * that reads uncommitted records.
     *
     * @throws TimeoutException when those transactions do not end in time, or the view is stalled
     */
    public void awaitWrittenEnd(String topic, Duration timeout) throws InterruptedException, TimeoutException {
        awaitEnd(topic, timeout, IsolationLevel.READ_UNCOMMITTED);
    }

    private void awaitEnd(String topic, Duration timeout, IsolationLevel isolation)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!awaitCaughtUp(timeout)) {
            throw new TimeoutException(
                    "view " + name + " has not read " + topic + " up to its start within " + timeout);
        }
        if (partitions.stream().noneMatch(tp -> tp.topic().equals(topic))) {
            throw new IllegalArgumentException("view " + name + " does not follow " + topic);
        }
        Map<TopicPartition, Long> ends =
                endLook(topic, isolation).get(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        synchronized (progress) {
            while (!reached(ends)) {
                if (stalled()) {
                    throw new TimeoutException("view " + name + " is stalled: " + failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !running) {
                    throw new TimeoutException("view " + name + " did not reach " + ends + " within " + timeout
                            + "; it is at " + positions);
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
    }

    /** The look at {@code topic}'s end that callers asking together share (one request for a burst of slots). */
    private SharedLook<Map<TopicPartition, Long>> endLook(String topic, IsolationLevel isolation) {
        return endLooks.computeIfAbsent(
                topic + "/" + isolation,
                key -> new SharedLook<>(wait -> currentEnds(topic, wait, isolation), this::lookAtEnds));
    }

    /**
     * Runs a shared look on a look thread of the view. Each topic and isolation has at most one look under way, so a
     * look slow on one topic (a leader lost, ADR 031) never holds up another's: no queue, a thread each.
     */
    private synchronized void lookAtEnds(Runnable look) {
        if (!running) {
            throw new RejectedExecutionException("view " + name + " is stopped");
        }
        if (endLooker == null) {
            endLooker = new ThreadPoolExecutor(
                    0,
                    Integer.MAX_VALUE,
                    60,
                    TimeUnit.SECONDS,
                    new SynchronousQueue<>(),
                    daemonThreads(name + "-ends-"));
        }
        endLooker.execute(look);
    }

    private static CustomizableThreadFactory daemonThreads(String prefix) {
        CustomizableThreadFactory threads = new CustomizableThreadFactory(prefix);
        threads.setDaemon(true);
        return threads;
    }

    private IsolationLevel isolation() {
        return "read_committed".equals(consumerConfig.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG))
                ? IsolationLevel.READ_COMMITTED
                : IsolationLevel.READ_UNCOMMITTED;
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

    private Map<TopicPartition, Long> currentEnds(String topic, Duration timeout, IsolationLevel isolation)
            throws InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.stream().filter(tp -> tp.topic().equals(topic)).forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            long attempt = Math.min(left, END_LOOK_ATTEMPT.toNanos());
            try {
                Map<TopicPartition, Long> ends = new HashMap<>();
                admin().listOffsets(latest, new ListOffsetsOptions(isolation))
                        .all()
                        .get(Math.max(0, attempt), TimeUnit.NANOSECONDS)
                        .forEach((tp, info) -> ends.put(tp, info.offset()));
                return ends;
            } catch (ExecutionException e) {
                replaceAdmin();
                throw new TimeoutException("cannot read the end of " + topic + ": " + e.getCause());
            } catch (TimeoutException e) {
                // Seen on a three-node cluster with one node killed: an admin made before the kill kept timing out here
                // until the node came back, though every partition had a new leader. Its partition-leader cache still
                // named the killed node (KAFKA-20673, ADR 031). A fresh client, with an empty cache, looks the leader
                // up again: so a look that is slow is tried again on a new client while the caller's time lasts.
                replaceAdmin();
                if (deadline - System.nanoTime() <= 0) {
                    throw new TimeoutException("the end of " + topic + " was not read within " + timeout);
                }
                log.info(
                        "view {}: the end of {} not read within {}; asking again with a new admin client",
                        name,
                        topic,
                        END_LOOK_ATTEMPT);
            }
        }
    }

    /** Closes the admin client (without waiting for what it still has under way); the next look makes a new one. */
    private synchronized void replaceAdmin() {
        if (admin != null) {
            admin.close(Duration.ZERO);
            admin = null;
        }
    }

    private synchronized Admin admin() {
        if (!running) {
            // a look that outlived stop() must not make a client nobody closes
            throw new IllegalStateException("view " + name + " is stopped");
        }
        if (admin == null) {
            Map<String, Object> config = new HashMap<>();
            consumerConfig.forEach((k, v) -> {
                if (AdminClientConfig.configNames().contains(k)) {
                    config.put(k, v);
                }
            });
            // consumer-side timeouts (a short default.api.timeout.ms) would not fit an admin client's checks
            config.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
            admin = Admin.create(config);
        }
        return admin;
    }

    /** True while the view has made no progress for longer than its stall bound (failing, or its thread stuck). */
    public boolean stalled() {
        Instant last = lastProgress;
        return running
                && last != null
                && Duration.between(last, clock.instant()).compareTo(stallAfter) > 0;
    }

    /** Why the view's consumer last failed, while it has not recovered. */
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Records skipped because they could not be applied, since start. */
    public long skippedRecords() {
        return skipped.get();
    }

    /** Records applied since start. */
    public long appliedRecords() {
        return applied.get();
    }

    /** Consumers replaced after a failure, since start. */
    public long replacedConsumers() {
        return replaced.get();
    }

    /** The view's name, as in its metrics and logs. */
    public String name() {
        return name;
    }

    /**
     * DOWN while stalled (nothing this view feeds is current), OUT_OF_SERVICE until the start-up read is done, UP
     * otherwise; the details say how far it is.
     */
    public Health health() {
        Health.Builder health;
        if (stalled()) {
            health = failure == null ? Health.down() : Health.down(failure);
            health.withDetail("stalledFor", Duration.between(lastProgress, clock.instant()));
        } else if (!caughtUp()) {
            health = Health.outOfService().withDetail("reason", "reading " + followed.keySet() + " up to start");
        } else {
            health = Health.up();
        }
        return health.withDetail("topics", followed.keySet())
                .withDetail("lag", lag.get())
                .withDetail("skipped", skipped.get())
                .withDetail("replacedConsumers", replaced.get())
                .build();
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Declares a view: the topics it follows, each with its start rule and handler, and the policy's bounds. */
    public static final class Builder {
        private final String name;
        private final Map<String, Object> config;
        private final Map<String, Followed> followed = new LinkedHashMap<>();
        private Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory = KafkaConsumer::new;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meters = new SimpleMeterRegistry();
        private Duration stallAfter = Duration.ofSeconds(60);
        private Duration backoffInitial = Duration.ofMillis(500);
        private Duration backoffMax = Duration.ofSeconds(30);
        private Duration pollTimeout = Duration.ofMillis(200);
        private Duration liveCheckEvery = Duration.ofSeconds(5);
        private Duration startupWait = Duration.ZERO;
        private boolean startupRequired;
        private boolean readCommitted = true;
        private int phase;
        private Runnable onCaughtUp = () -> {};

        private Builder(String name, Map<String, ?> kafkaConfig) {
            this.name = Objects.requireNonNull(name, "name");
            this.config = new HashMap<>(kafkaConfig);
        }

        /** Follows {@code topic} from {@code start}, applying each record with {@code handler}. */
        public Builder follow(TopicSpec<?, ?> topic, StartRule start, RecordHandler handler) {
            return follow(topic.name(), start, handler);
        }

        /**
         * Follows a catalogue topic of keyed state (presence, licenses, commands) from {@code start}, handing each
         * record's decoded key and value, a tombstone's value as {@code null}. A record that does not decode is skipped
         * and counted like any record the handler refuses.
         */
        public <K, V> Builder followEntries(TopicSpec<K, V> topic, StartRule start, EntryHandler<K, V> handler) {
            return follow(topic.name(), start, r -> handler.apply(topic.key(r), topic.value(r)));
        }

        /**
         * Follows a catalogue topic of events from {@code start}, handing each decoded value; tombstones carry no event
         * and are passed over.
         */
        public <V> Builder followValues(TopicSpec<?, V> topic, StartRule start, ValueHandler<V> handler) {
            return follow(topic.name(), start, r -> {
                V value = topic.value(r);
                if (value != null) {
                    handler.apply(value);
                }
            });
        }

        /** Follows {@code topic} from {@code start}, applying each record with {@code handler}. */
        public Builder follow(String topic, StartRule start, RecordHandler handler) {
            if (followed.putIfAbsent(topic, new Followed(topic, start, handler)) != null) {
                throw new IllegalArgumentException("view " + name + " already follows " + topic);
            }
            return this;
        }

        /** How a consumer is made from its settings; tests inject faults here. Default: a {@link KafkaConsumer}. */
        public Builder consumerFactory(Function<Map<String, Object>, Consumer<byte[], byte[]>> factory) {
            this.consumerFactory = factory;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder meters(MeterRegistry meters) {
            this.meters = meters;
            return this;
        }

        /** No progress for longer than this turns health DOWN. Default 60 s. */
        public Builder stallAfter(Duration stallAfter) {
            this.stallAfter = stallAfter;
            return this;
        }

        /** Pauses before a failed consumer is replaced: doubling from {@code initial} up to {@code max}. */
        public Builder backoff(Duration initial, Duration max) {
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /** How often the ends of the topics are looked at (lag, and a broker that is gone). Default 5 s. */
        public Builder liveCheckEvery(Duration every) {
            this.liveCheckEvery = every;
            return this;
        }

        /**
         * {@code start()} waits up to {@code wait} for the start-up read; when {@code required}, a view that is late
         * fails the start (the service must not run without it), else it goes on and catches up in the background.
         */
        public Builder startupWait(Duration wait, boolean required) {
            this.startupWait = wait;
            this.startupRequired = required;
            return this;
        }

        /** Reads records of aborted transactions too (default: committed only, what the fleet acts on). */
        public Builder readUncommitted() {
            this.readCommitted = false;
            return this;
        }

        /** SmartLifecycle phase: views start before what depends on them. Default 0. */
        public Builder phase(int phase) {
            this.phase = phase;
            return this;
        }

        /** Runs once on the view's thread when the start-up read is done, before the latch opens. */
        public Builder onCaughtUp(Runnable onCaughtUp) {
            this.onCaughtUp = onCaughtUp;
            return this;
        }

        public TopicView build() {
            if (followed.isEmpty()) {
                throw new IllegalStateException("view " + name + " follows no topic");
            }
            return new TopicView(this);
        }
    }

    /** The topics this view follows. */
    public Collection<String> topics() {
        return followed.keySet();
    }
}
