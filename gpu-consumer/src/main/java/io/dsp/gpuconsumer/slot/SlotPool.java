package io.dsp.gpuconsumer.slot;

import io.dsp.core.ledger.TaskLedger;
import io.dsp.core.slot.OutcomeJournal;
import io.dsp.core.slot.OutcomeRecorder;
import io.dsp.core.slot.WorkerIsolation;
import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.gpuconsumer.WorkerSettings;
import io.dsp.gpuconsumer.control.Cancellations;
import io.dsp.gpuconsumer.execution.TaskDeadlines;
import io.dsp.gpuconsumer.execution.TaskHandlers;
import io.dsp.gpuconsumer.ledger.LedgerSettings;
import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ShareConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * This worker's {@code max-concurrent} slots, each one share-group member running one task at a time. Stopping lets
 * running tasks finish until the shutdown timeout; closing a slot's consumer hands anything unfinished back to the
 * group at once. Draining (an operator's command) lets each slot finish its task and leave the share group, so the
 * worker takes nothing new and reports {@code draining} with nothing in flight; undraining brings the slots back.
 */
@Component
public class SlotPool implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SlotPool.class);
    private static final Duration RELEASE_GRACE = Duration.ofSeconds(5);

    private final ShareConsumerFactory<byte[], byte[]> consumers;
    private final TaskHandlers handlers;
    private final TaskReporter reporter;
    private final TaskLedger ledger;
    private final RunningTasks running = new RunningTasks();
    private final Cancellations cancellations;
    private final WorkerIdentity identity;
    private final WorkerSettings settings;
    private final Duration openAttemptWait;
    private final TaskDeadlines deadlines;
    private final MeterRegistry meters;
    private final Clock clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Slot> slots = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final OutcomeJournal journal;
    private final OutcomeRecorder outcomes;
    private Thread replay;
    private volatile boolean started;
    private volatile boolean draining;
    /** An operator asked this worker to drain; kept across start and stop, so a drained worker starts drained. */
    private volatile boolean drained;
    /** The gate of a suspect's run alone (ADR 038); one per start. */
    private volatile WorkerIsolation isolation;

    SlotPool(
            ShareConsumerFactory<byte[], byte[]> consumers,
            TaskHandlers handlers,
            TaskReporter reporter,
            TaskLedger ledger,
            Cancellations cancellations,
            WorkerIdentity identity,
            WorkerSettings settings,
            LedgerSettings ledgerSettings,
            TaskDeadlines deadlines,
            MeterRegistry meters,
            Clock clock,
            @Value("${dsp.data-dir}") Path dataDir) {
        this.journal = new OutcomeJournal(dataDir);
        this.outcomes = new OutcomeRecorder(
                ledger, () -> meters.counter(WorkerMetrics.OUTCOME_RESENDS).increment());
        this.deadlines = deadlines;
        this.openAttemptWait = ledgerSettings.openAttemptWait();
        this.consumers = consumers;
        this.handlers = handlers;
        this.reporter = reporter;
        this.ledger = ledger;
        this.cancellations = cancellations;
        this.identity = identity;
        this.settings = settings;
        this.meters = meters;
        this.clock = clock;
        Gauge.builder(MetricNames.WORKER_IN_FLIGHT, inFlight, AtomicInteger::get)
                .tag(MetricNames.TAG_WORKER, identity.id())
                .description("tasks this worker is running now")
                .register(meters);
        cancellations.onCancel(running::cancel);
    }

    /**
     * Stops taking new tasks: each slot finishes the task it holds, then leaves the share group. Presence says
     * {@code draining} at once, so the dispatcher counts no free slot here; {@link #inFlight()} falls to 0.
     */
    public synchronized void drain() {
        if (drained) {
            return;
        }
        drained = true;
        slots.forEach(Slot::pause);
        log.info("draining workerId={}: taking no new task, {} in flight", identity.id(), inFlight.get());
    }

    /** Takes tasks again after {@link #drain()}. */
    public synchronized void undrain() {
        if (!drained) {
            return;
        }
        drained = false;
        slots.forEach(Slot::resume);
        log.info("undrained workerId={}: taking tasks again", identity.id());
    }

    /** Whether an operator's drain is in force. */
    public boolean drained() {
        return drained;
    }

    /** Request ids of the tasks the slots hold now (acquired, not yet acknowledged). */
    public List<String> held() {
        return slots.stream().flatMap(slot -> slot.holding().stream()).toList();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Slots this worker runs. */
    public int slots() {
        return settings.maxConcurrent();
    }

    /**
     * Slots presence offers: all of them, except while a suspect holds the solo turn (ADR 038). The other slots have
     * left the group then, so only the records already held count: a release for a slot that takes nothing would wait
     * in the dispatch topic, and let the dispatcher release past its window.
     */
    public int offeredSlots() {
        WorkerIsolation gate = isolation;
        if (gate == null || !gate.soloTurnTaken()) {
            return settings.maxConcurrent();
        }
        return Math.max(1, held().size());
    }

    /** Whether the slots are up and taking work (false before start, while stopping or drained, and after). */
    public boolean taking() {
        return started && !draining && !drained && failedSlots().isEmpty();
    }

    /** Whether the task ledger cannot be checked: the slots are out of the group, so presence offers no free slot. */
    public boolean ledgerDown() {
        return ledger.failure().isPresent();
    }

    /** Taking no new task: stopping (running ones finish or go back), or drained by an operator. */
    public boolean draining() {
        return draining || drained;
    }

    /** Slots that died of an unexpected error, by name, with the error. */
    synchronized Map<String, String> failedSlots() {
        Map<String, String> failed = new TreeMap<>();
        for (Slot slot : slots) {
            if (slot.failure() != null) {
                failed.put(slot.name(), slot.failure().toString());
            }
        }
        return failed;
    }

    @Override
    public synchronized void start() {
        started = true;
        draining = false;
        CountDownLatch replayed = new CountDownLatch(1);
        replay = new Thread(() -> replayJournal(replayed), identity.id() + "-outcome-journal");
        replay.setDaemon(true);
        replay.start();
        Slot.Shared shared = new Slot.Shared(
                handlers,
                reporter,
                ledger,
                running,
                cancellations,
                identity.id(),
                settings,
                openAttemptWait,
                deadlines,
                inFlight,
                meters,
                clock,
                outcomes,
                journal,
                replayed,
                isolation = new WorkerIsolation(settings.maxConcurrent()));
        for (int i = 0; i < settings.maxConcurrent(); i++) {
            String clientId = identity.id() + "-slot-" + i;
            Slot slot = new Slot(clientId, () -> consumers.createShareConsumer(null, clientId), shared);
            if (drained) {
                slot.pause(); // a worker told to drain before it started stays out of the group
            }
            Thread thread = new Thread(slot, clientId);
            slots.add(slot);
            threads.add(thread);
            thread.start();
        }
        log.info("started {} slots for workerId={}", slots.size(), identity.id());
    }

    /**
     * Records the outcomes the last run kept in its journal (it stopped before it could), then lets the slots take
     * tasks: a task of theirs redelivered here must find its outcome in the ledger, not run again. An outcome the
     * ledger already has is only forgotten. One that cannot be recorded (the broker still gone past the recorder's
     * patience, or the journal unreadable) stays for the next start; the slots take tasks all the same.
     */
    private void replayJournal(CountDownLatch replayed) {
        try {
            journal.replay(
                    ledger,
                    outcomes,
                    reporter::resend,
                    step -> meters.counter(WorkerMetrics.OUTCOME_JOURNAL, MetricNames.TAG_STEP, step)
                            .increment());
        } finally {
            replayed.countDown();
        }
    }

    @Override
    public synchronized void stop() {
        draining = true;
        if (replay != null) {
            replay.interrupt();
        }
        slots.forEach(Slot::stopTakingWork);
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        for (Thread thread : threads) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            try {
                thread.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.warn(
                        "{} still running after the shutdown timeout; interrupting it: a task still running goes back"
                                + " to the fleet, an outcome not yet recorded is kept on disk for the next start",
                        thread.getName());
                thread.interrupt();
            }
        }
        // An interrupted slot says its task goes back to the queue and releases it; let it, briefly.
        for (Thread thread : threads) {
            try {
                thread.join(RELEASE_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        started = false;
        slots.clear();
        threads.clear();
        log.info("slots stopped for workerId={}", identity.id());
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    /** Stops before presence is withdrawn: the publisher, which depends on the pool, stops it first. */
    @Override
    public int getPhase() {
        return 1;
    }
}
