package io.dsp.core.ledger;

import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.SmartLifecycle;

/**
 * The ledger kept in Kafka: {@code dsp.task-events} itself, read into memory by every worker through a
 * {@link TopicView}. The terminal event a worker publishes before acknowledging a task is the record that the task
 * finished, so there is no second write that could be lost between the two. Before each task a worker waits until its
 * copy has reached the topic's end as it was at that moment, so whatever any worker had written by then is seen.
 *
 * <p>The copy covers a <em>horizon</em> (ADR 024): at start it reads the topic from the first record written within
 * the horizon before now ({@code offsetsForTimes}, per partition), and while it runs it forgets, every
 * {@linkplain #pruneEvery(Duration) prune interval}, each task whose latest event (by its Kafka record timestamp) is
 * older than the horizon. Start-up time and memory therefore follow the tasks of the horizon, not the topic's
 * retention. The horizon must be longer than any gap after which a task's record can still be delivered again: the
 * longest task deadline plus the lock times, and broker outages.
 *
 * <p>Native slots and the gateway's bridged legacy slots consult the same ledger: a task that already has an outcome
 * is never handed to either again.
 */
public final class KafkaTaskLedger implements TaskLedger, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KafkaTaskLedger.class);

    /** The longest pause between two prunes: a sweep of every history, on the ledger's own thread. */
    static final Duration MAX_PRUNE_EVERY = Duration.ofMinutes(5);

    /** Distinct worker ids kept for sharing; past this many (a fleet never has so many) the set starts again. */
    static final int MAX_WORKER_IDS = 10_000;

    private final Map<String, TaskHistory> histories = new ConcurrentHashMap<>();

    /**
     * One instance of each worker id, on the view's thread: every history holds the id of the worker that started it
     * last (in its fence), and a decoded event brings a copy of its own; sharing them saves about a quarter of a
     * history's memory.
     */
    private final Map<String, String> workerIds = new HashMap<>();

    private final TopicView view;
    private final Duration horizon;
    private final Duration catchUpTimeout;
    /** Set once the ledger is stopped (its service shuts down), so that no slot takes a task it cannot check. */
    private volatile boolean stopped;

    private final Clock clock;
    private final long pruneEveryMillis;
    private final Counter staleOutcomes;
    private final Counter pruned;

    /** When the last prune ran (clock millis); touched only on the view's thread. */
    private long lastPrune;

    /**
     * @param kafkaConfig client settings (bootstrap servers, security)
     * @param horizon how far back the copy reaches: read from this long before start, and a task silent for longer is
     *     forgotten; positive
     * @param startupTimeout how long the start-up read may take
     * @param startupRequired whether a start-up read that is late fails the start (else the service starts with what
     *     was read and catches up in the background)
     * @param catchUpTimeout how long one look before a task may wait for the copy to reach the topic's end
     * @param clock where "now" comes from, for the start of the read and for pruning
     * @param phase lifecycle phase: before the slots that ask it
     */
    public KafkaTaskLedger(
            Map<String, ?> kafkaConfig,
            Duration horizon,
            Duration startupTimeout,
            boolean startupRequired,
            Duration catchUpTimeout,
            Clock clock,
            MeterRegistry meters,
            int phase) {
        Objects.requireNonNull(horizon, "horizon");
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("a task ledger's horizon must be positive: " + horizon);
        }
        this.horizon = horizon;
        this.catchUpTimeout = catchUpTimeout;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pruneEveryMillis = pruneEvery(horizon).toMillis();
        this.lastPrune = clock.millis();
        this.staleOutcomes = meters.counter(MetricNames.LEDGER_STALE_OUTCOMES);
        this.pruned = Counter.builder(MetricNames.LEDGER_TASKS_PRUNED)
                .description("task histories the task ledger forgot: no event within its horizon")
                .register(meters);
        Gauge.builder(MetricNames.LEDGER_TASKS, histories, Map::size)
                .description("tasks whose history the task ledger holds in memory")
                .register(meters);
        this.view = TopicView.builder("task-ledger", kafkaConfig)
                .follow(Topics.TASK_EVENTS, StartRule.lookBack(horizon), this::apply)
                .startupWait(startupTimeout, startupRequired)
                .clock(clock)
                .meters(meters)
                .phase(phase)
                .build();
    }

    /**
     * How often a ledger with this horizon forgets silent tasks: a tenth of the horizon, at most
     * {@link #MAX_PRUNE_EVERY}. A task is held at most this much longer than the horizon.
     */
    static Duration pruneEvery(Duration horizon) {
        Duration tenth = horizon.dividedBy(10);
        return tenth.compareTo(MAX_PRUNE_EVERY) < 0 ? tenth : MAX_PRUNE_EVERY;
    }

    /** Folds one record of {@code dsp.task-events} in; on the view's thread. */
    void apply(ConsumerRecord<byte[], byte[]> record) {
        pruneIfDue();
        TaskEvent event = Topics.TASK_EVENTS.value(record);
        if (event == null) {
            return;
        }
        long at = record.timestamp() >= 0 ? record.timestamp() : clock.millis();
        if (!TaskHistory.matters(event)) {
            // nothing to decide on, but a task still reporting (progress) is not silent: keep it
            TaskHistory known = histories.get(event.getRequestId());
            if (known != null) {
                synchronized (known) {
                    known.seenAt(at);
                }
            }
            return;
        }
        event.setWorkerId(shared(event.getWorkerId()));
        TaskHistory history = histories.computeIfAbsent(event.getRequestId(), id -> new TaskHistory());
        boolean applied;
        synchronized (history) {
            history.seenAt(at);
            applied = history.apply(event);
        }
        if (!applied) {
            staleOutcomes.increment();
            log.warn(
                    "requestId={}: {} of delivery {} on {} is stale, the task was handed on and started again; set aside",
                    event.getRequestId(),
                    event.getType(),
                    event.getDeliveryCount(),
                    event.getWorkerId());
        }
    }

    private String shared(String workerId) {
        if (workerId == null) {
            return null;
        }
        String known = workerIds.get(workerId);
        if (known != null) {
            return known;
        }
        if (workerIds.size() >= MAX_WORKER_IDS) {
            workerIds.clear();
        }
        workerIds.put(workerId, workerId);
        return workerId;
    }

    private void pruneIfDue() {
        if (clock.millis() - lastPrune >= pruneEveryMillis) {
            prune();
        }
    }

    /**
     * Forgets every task whose latest event is older than the horizon; returns how many. Runs on the view's thread
     * (the only one that adds or changes histories), so a history is never dropped while an event is being folded in.
     */
    int prune() {
        long started = System.nanoTime();
        long now = clock.millis();
        lastPrune = now;
        long cutoff = now - horizon.toMillis();
        int removed = 0;
        for (Iterator<TaskHistory> it = histories.values().iterator(); it.hasNext(); ) {
            TaskHistory history = it.next();
            long last;
            synchronized (history) {
                last = history.lastEventAt();
            }
            if (last < cutoff) {
                it.remove();
                removed++;
            }
        }
        if (removed > 0) {
            pruned.increment(removed);
        }
        log.debug(
                "task ledger forgot {} tasks silent for more than {}, holds {} ({} ms)",
                removed,
                horizon,
                histories.size(),
                (System.nanoTime() - started) / 1_000_000);
        return removed;
    }

    @Override
    public PriorAttempts priorAttempts(String requestId) throws InterruptedException, TimeoutException {
        view.awaitCurrentEnd(Topics.TASK_EVENTS.name(), catchUpTimeout);
        return knownNow(requestId);
    }

    @Override
    public PriorAttempts priorAttemptsPastOpenTransactions(String requestId, Duration timeout)
            throws InterruptedException, TimeoutException {
        view.awaitWrittenEnd(Topics.TASK_EVENTS.name(), timeout);
        return knownNow(requestId);
    }

    /** What this copy holds about a task now, without waiting for it to reach the topic's end. */
    @Override
    public PriorAttempts knownNow(String requestId) {
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
        if (stopped) {
            // A service shutting down stops its views before its slots: a slot still taking tasks would find every
            // look failing at once and give each task back delivery after delivery, down to a dead letter (seen in
            // CI: five deliveries of one task in 40 ms on a gateway stopping).
            return Optional.of("the task ledger has stopped");
        }
        if (!view.stalled()) {
            return Optional.empty();
        }
        return Optional.of(view.failure().map(Throwable::toString).orElse("the task ledger is stalled"));
    }

    /** Tasks with a history in this copy. */
    public int size() {
        return histories.size();
    }

    /** How far back this copy reaches. */
    public Duration horizon() {
        return horizon;
    }

    /** The health of the copy: DOWN while stalled, OUT_OF_SERVICE until read up to start. */
    public Health health() {
        return view.health();
    }

    @Override
    public void start() {
        stopped = false;
        view.start();
    }

    @Override
    public void stop() {
        stopped = true;
        view.stop();
    }

    @Override
    public boolean isRunning() {
        return view.isRunning();
    }

    @Override
    public int getPhase() {
        return view.getPhase();
    }
}
