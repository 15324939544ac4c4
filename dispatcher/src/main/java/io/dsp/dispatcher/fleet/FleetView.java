package io.dsp.dispatcher.fleet;

import io.dsp.schemas.avro.TaskAction;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.event.Presence;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Lane;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dispatcher knows of the fleet: who is online with how many slots, and which released tasks have not
 * finished. The release window is the free slots plus a small prefetch, and zero while no worker is online.
 */
public final class FleetView {

    private static final Logger log = LoggerFactory.getLogger(FleetView.class);

    /** How often the in-flight count is reconciled with the tasks live workers say they hold. */
    private static final Duration RECONCILE_EVERY = Duration.ofSeconds(1);

    /** The lane this view counts; workers of other lanes take other work and add no room here. */
    private final Lane lane;

    private final Map<String, WorkerPresence> workers = new HashMap<>();
    /** In release order (roughly: rebuilt ones in event order), so expiry stops at the first live entry. */
    private final LinkedHashMap<String, Flight> inFlight = new LinkedHashMap<>();
    /** In-flight count per license, kept with {@link #inFlight} so caps and queue facts cost O(1) per tenant. */
    private final Map<String, Integer> perLicense = new HashMap<>();
    /** Recently finished tasks, so a DISPATCHED event that arrives after the task's end does not revive it. */
    private final LinkedHashMap<String, Instant> finished = new LinkedHashMap<>();
    /**
     * Cancel commands by request id, with the license keys that sent them, in arrival order. A command may arrive long
     * before its task is reached (a long backlog, or no GPU online overnight), so it is kept until the release loop
     * reaches the task, never dropped by age; only the count is bounded ({@link #maxCancels}, oldest dropped first), for
     * cancels of tasks this instance never reaches (running ones, other instances' tenants).
     */
    private final LinkedHashMap<String, Cancel> cancels = new LinkedHashMap<>();

    /** Most cancels kept: a few hundred bytes each, so the default bound holds some tens of MB at worst. */
    static final int MAX_CANCELS = 100_000;

    /**
     * Tasks this instance released that reconciliation found held by no live worker, until the release loop learns
     * whether the broker archived them (then it records their end) or a late terminal event shows they ended.
     */
    private final LinkedHashMap<String, Vanished> vanished = new LinkedHashMap<>();

    /** Most vanished tasks kept awaiting the broker's word; far above any fleet's slots plus prefetch. */
    static final int MAX_VANISHED = 10_000;

    private final Duration inFlightExpiry;
    private final Duration reconcileAfter;
    private final int prefetch;
    private final double prefetchPerSlot;
    private final int maxCancels;
    /** Since when live workers have had a free slot without a break; null while the fleet is full or unknown. */
    private Instant freeSince;

    private Instant reconciledAt = Instant.EPOCH;
    private long forgotten;

    public FleetView(int prefetch, Duration inFlightExpiry) {
        this(Lane.GPU, prefetch, 0, inFlightExpiry, Duration.ZERO, MAX_CANCELS);
    }

    /**
     * @param reconcileAfter a task in flight that no live worker has held for this long, while the fleet had a free
     *     slot all that time, is no longer counted (its terminal event is lost, or the broker archived it); zero turns
     *     reconciliation off
     */
    public FleetView(Lane lane, int prefetch, Duration inFlightExpiry, Duration reconcileAfter) {
        this(lane, prefetch, 0, inFlightExpiry, reconcileAfter, MAX_CANCELS);
    }

    /**
     * @param prefetchPerSlot tasks kept waiting in the dispatch topic per live slot (at least {@code prefetch}), so
     *     slots that free together each find the next task already there
     */
    public FleetView(
            Lane lane, int prefetch, double prefetchPerSlot, Duration inFlightExpiry, Duration reconcileAfter) {
        this(lane, prefetch, prefetchPerSlot, inFlightExpiry, reconcileAfter, MAX_CANCELS);
    }

    FleetView(int prefetch, Duration inFlightExpiry, int maxCancels) {
        this(Lane.GPU, prefetch, 0, inFlightExpiry, Duration.ZERO, maxCancels);
    }

    FleetView(Lane lane, int prefetch, Duration inFlightExpiry, Duration reconcileAfter, int maxCancels) {
        this(lane, prefetch, 0, inFlightExpiry, reconcileAfter, maxCancels);
    }

    FleetView(
            Lane lane,
            int prefetch,
            double prefetchPerSlot,
            Duration inFlightExpiry,
            Duration reconcileAfter,
            int maxCancels) {
        this.lane = lane;
        this.prefetch = prefetch;
        this.prefetchPerSlot = prefetchPerSlot;
        this.inFlightExpiry = inFlightExpiry;
        this.reconcileAfter = reconcileAfter;
        this.maxCancels = maxCancels;
    }

    public synchronized void presence(String workerId, WorkerPresence presence) {
        if (presence == null) {
            workers.remove(workerId);
        } else {
            workers.put(workerId, presence);
        }
        notifyAll();
    }

    /**
     * Waits until the fleet may have room again (a task ended, a worker came or changed, a release was undone) or
     * {@code max} passed: the release loop waits here instead of in a poll when it holds tasks and no room, so a slot
     * that frees gets its next task without waiting for the poll to time out.
     */
    public synchronized void awaitRoom(Duration max) throws InterruptedException {
        wait(Math.max(1, max.toMillis()));
    }

    /** The lane this view counts. */
    public Lane lane() {
        return lane;
    }

    /** Applies a task event of this view's lane: DISPATCHED counts a task in flight, a terminal step ends it. */
    public synchronized void event(TaskEvent event) {
        if (Lane.of(event.getTaskType()) != lane) {
            return;
        }
        if (event.getType() == TaskEventType.DISPATCHED) {
            if (!finished.containsKey(event.getRequestId())) {
                add(event.getRequestId(), new Flight(event.getLicenseKey(), event.getAt()));
            }
        } else if (event.getType() == TaskEventType.STARTED) {
            Flight flight = inFlight.get(event.getRequestId());
            // the broker's delivery count of the latest attempt: at its limit, no further delivery can come (the
            // latest, not the highest: a broker that lost its share state counts again from 1)
            if (flight != null && event.getDeliveryCount() != null) {
                flight.lastDelivery = event.getDeliveryCount();
                if (event.getWorkerId() != null) {
                    flight.lastHolder = event.getWorkerId();
                }
            }
        } else if (TaskEvents.isTerminal(event.getType())) {
            remove(event.getRequestId());
            // it ended after all (a late event): nothing to record for it
            vanished.remove(event.getRequestId());
            finished.put(event.getRequestId(), event.getAt());
            notifyAll();
        }
    }

    /** Applies a command about one task; only CANCEL means anything to the dispatcher. */
    public synchronized void control(TaskControl command) {
        if (command.getAction() != TaskAction.CANCEL) {
            return;
        }
        cancels.computeIfAbsent(command.getRequestId(), id -> new Cancel(new HashSet<>(2)))
                .licenseKeys()
                .add(command.getLicenseKey());
        for (var it = cancels.values().iterator(); cancels.size() > maxCancels && it.hasNext(); ) {
            it.next();
            it.remove();
        }
    }

    /** Whether any cancel command names this request id (whoever sent it): a cheap test before decoding the task. */
    public synchronized boolean hasCancel(String requestId) {
        return cancels.containsKey(requestId);
    }

    /** The release loop reached this task and committed its release: its cancels have nothing left to act on. */
    public synchronized void reached(String requestId) {
        cancels.remove(requestId);
    }

    /**
     * The release loop committed this task's skip (its CANCELLED event): its cancel is done, and the task counts as
     * finished at once, so a second queued copy reached before the event comes back is dropped as a duplicate.
     */
    public synchronized void skipped(String requestId, Instant at) {
        cancels.remove(requestId);
        finished.put(requestId, at);
    }

    /** What the cancel commands seen so far say about this waiting task of this license. */
    public synchronized CancelVerdict cancelVerdict(String requestId, String licenseKey) {
        Cancel cancel = cancels.get(requestId);
        if (cancel == null) {
            return CancelVerdict.NONE;
        }
        return cancel.licenseKeys().contains(licenseKey) ? CancelVerdict.CANCELLED : CancelVerdict.FOREIGN_ONLY;
    }

    /** Whether a task was asked to be cancelled, and by whom. */
    public enum CancelVerdict {
        /** No cancel command names it. */
        NONE,
        /** Its own license asked: it must not run. */
        CANCELLED,
        /** Only other licenses asked: the commands are ignored. */
        FOREIGN_ONLY
    }

    /** Counts a task in flight the moment it is released, before its DISPATCHED event comes back. */
    public synchronized void released(String requestId, String licenseKey, Instant at) {
        // A replayed task that finished before is in flight again: this release starts a new run.
        finished.remove(requestId);
        vanished.remove(requestId);
        add(requestId, new Flight(licenseKey, at));
    }

    /**
     * {@link #released(String, String, Instant)} by this instance, keeping the task: should it vanish, this instance
     * is the one that records its end (the others know it only from its DISPATCHED event).
     */
    public synchronized void released(TaskRequested task, Instant at) {
        released(task.getRequestId(), task.getLicenseKey(), at);
        inFlight.get(task.getRequestId()).task = task;
    }

    /** Where the release committed this task in the dispatch topic: its record's partition and offset. */
    public synchronized void placed(String requestId, TopicPartition partition, long offset) {
        Flight flight = inFlight.get(requestId);
        if (flight != null) {
            flight.partition = partition;
            flight.offset = offset;
        }
    }

    /**
     * Tasks released here that no live worker holds any more and whose end no event has told: each either ended in a
     * way this view missed, or was archived by the broker after a last delivery whose worker died (nobody could record
     * that end). The release loop asks the broker which of them lie below the share group's start offset.
     */
    public synchronized List<Vanished> vanished() {
        return List.copyOf(vanished.values());
    }

    /** Whether this task still awaits a recorded end: vanished, and no terminal event seen since. */
    public synchronized boolean stillVanished(String requestId) {
        return vanished.containsKey(requestId) && !finished.containsKey(requestId);
    }

    /** The release loop recorded this vanished task's end: it is finished here too. */
    public synchronized void settled(String requestId, Instant at) {
        vanished.remove(requestId);
        finished.put(requestId, at);
    }

    /**
     * Whether this request id is in flight or finished within the expiry window: releasing it again would run it
     * twice (a client or edge retry that queued the same request id twice).
     */
    public synchronized boolean isKnown(String requestId) {
        return inFlight.containsKey(requestId) || finished.containsKey(requestId);
    }

    /** Tasks of one license in flight now. */
    public synchronized int inFlightOf(String licenseKey) {
        return perLicense.getOrDefault(licenseKey, 0);
    }

    /** Forgets a release that did not reach Kafka. */
    public synchronized void unreleased(String requestId) {
        remove(requestId);
        notifyAll();
    }

    /** Slots of live workers that take work (a draining worker's slots are not counted). */
    public synchronized int liveSlots(Instant now) {
        return workers.values().stream()
                .filter(w -> lane.wireName().equals(w.getLane()) && Presence.isLive(w, now) && !w.getDraining())
                .mapToInt(WorkerPresence::getSlots)
                .sum();
    }

    /**
     * Slots of live draining workers that are still busy. Their tasks count in flight until they end, so these slots
     * are added to the capacity as exactly full: a draining worker has no free slot, and its running tasks do not
     * shrink the window of the workers that take work.
     */
    synchronized int drainingBusySlots(Instant now) {
        return workers.values().stream()
                .filter(w -> lane.wireName().equals(w.getLane()) && Presence.isLive(w, now) && w.getDraining())
                .mapToInt(w -> Math.max(0, Math.min(w.getInFlight(), w.getSlots())))
                .sum();
    }

    public synchronized int inFlight(Instant now) {
        reconcile(now);
        Instant horizon = now.minus(inFlightExpiry);
        for (var it = inFlight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Flight> oldest = it.next();
            if (!oldest.getValue().since().isBefore(horizon)) {
                break;
            }
            it.remove();
            decrement(oldest.getValue().licenseKey());
        }
        for (var it = finished.values().iterator(); it.hasNext() && it.next().isBefore(horizon); ) {
            it.remove();
        }
        return inFlight.size();
    }

    /** How many more tasks may be released now. */
    public synchronized int window(Instant now) {
        int slots = liveSlots(now);
        if (slots == 0) {
            return 0;
        }
        int waiting = Math.max(prefetch, (int) Math.ceil(slots * prefetchPerSlot));
        return Math.max(0, slots + drainingBusySlots(now) + waiting - inFlight(now));
    }

    /**
     * Whether every live slot has a task released to it, running or waiting in the dispatch topic: room left in the
     * window is then only the prefetch to top up, which no slot waits for right now.
     */
    public synchronized boolean everySlotServed(Instant now) {
        int slots = liveSlots(now);
        return slots > 0 && inFlight(now) >= slots + drainingBusySlots(now);
    }

    /** Tasks no longer counted in flight because no live worker held them (see {@link #reconcile}); a counter. */
    public synchronized long forgotten() {
        return forgotten;
    }

    /**
     * Reconciles the in-flight count with what live workers of this lane say they hold (their presence's
     * {@code held}). A task held by a live worker counts in flight (again, if a lost or unread DISPATCHED event left it
     * out). A task that no live worker has held for {@code reconcileAfter}, while the fleet had a free slot all that
     * time, is no longer counted: a waiting task is fetched by a free slot within seconds (or after the lock of a
     * vanished holder runs out), so one that stays unheld has ended without an event this view saw (the broker
     * archived it at its delivery limit, or its terminal event was lost). Without this, a few such tasks would hold
     * the window shut until {@code inFlightExpiry}. Nothing is reconciled while a live worker does not say what it
     * holds (v1 presence): its tasks cannot be told from lost ones.
     */
    private void reconcile(Instant now) {
        if (reconcileAfter.isZero() || now.isBefore(reconciledAt.plus(RECONCILE_EVERY))) {
            return;
        }
        reconciledAt = now;
        Set<String> held = new HashSet<>();
        int free = 0;
        Map<String, String> holders = new HashMap<>();
        for (var worker : workers.entrySet()) {
            WorkerPresence w = worker.getValue();
            if (!lane.wireName().equals(w.getLane()) || !Presence.isLive(w, now)) {
                continue;
            }
            List<String> names = w.getHeld();
            if (names == null) {
                freeSince = null;
                return;
            }
            held.addAll(names);
            names.forEach(name -> holders.put(name, worker.getKey()));
            if (!w.getDraining()) {
                free += Math.max(0, w.getSlots() - names.size());
            }
        }
        for (String requestId : held) {
            // held again: it did not end, whatever the broker said of it
            vanished.remove(requestId);
            Flight flight = inFlight.get(requestId);
            if (flight != null) {
                flight.seenHeld = now;
                flight.lastHolder = holders.get(requestId);
            } else if (!finished.containsKey(requestId)) {
                // held by a worker though this view never counted it (its DISPATCHED event was lost or not read yet);
                // presence does not name the license, so it counts against no tenant's cap
                add(requestId, new Flight("", now));
            }
        }
        if (free == 0) {
            freeSince = null;
            return;
        }
        if (freeSince == null) {
            freeSince = now;
        }
        Instant horizon = now.minus(reconcileAfter);
        if (freeSince.isAfter(horizon)) {
            return;
        }
        for (var it = inFlight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Flight> entry = it.next();
            Flight flight = entry.getValue();
            if (flight.seenHeld.isBefore(horizon) && !held.contains(entry.getKey())) {
                it.remove();
                decrement(flight.licenseKey());
                forgotten++;
                if (flight.task != null && flight.partition != null) {
                    vanish(new Vanished(
                            flight.task,
                            flight.partition,
                            flight.offset,
                            flight.since,
                            flight.lastHolder,
                            flight.lastDelivery));
                }
                log.warn(
                        "requestId={} counted in flight since {} but held by no live {} worker for {} while slots were"
                                + " free; no longer counted (it ended without an event seen here: look for its dead"
                                + " letter or history)",
                        entry.getKey(),
                        flight.since(),
                        lane.wireName(),
                        reconcileAfter);
            }
        }
    }

    private void vanish(Vanished task) {
        vanished.put(task.task().getRequestId(), task);
        for (var it = vanished.values().iterator(); vanished.size() > MAX_VANISHED && it.hasNext(); ) {
            log.error(
                    "requestId={} vanished, and too many others since to keep waiting for the broker's word on it",
                    it.next().task().getRequestId());
            it.remove();
        }
    }

    private void add(String requestId, Flight flight) {
        if (inFlight.putIfAbsent(requestId, flight) == null) {
            perLicense.merge(flight.licenseKey(), 1, Integer::sum);
        }
    }

    private void remove(String requestId) {
        Flight flight = inFlight.remove(requestId);
        if (flight != null) {
            decrement(flight.licenseKey());
        }
    }

    private void decrement(String licenseKey) {
        perLicense.computeIfPresent(licenseKey, (k, n) -> n == 1 ? null : n - 1);
    }

    private static final class Flight {
        private final String licenseKey;
        private final Instant since;
        /** When a live worker last said it held this task; its release time until then. */
        private Instant seenHeld;
        /** The live worker that last said it held this task, or last started it; null if none has. */
        private String lastHolder;
        /** The broker's delivery count of the latest attempt started (its STARTED event); 0 before any. */
        private int lastDelivery;
        /** The task itself when this instance released it; null when known from its DISPATCHED event only. */
        private TaskRequested task;
        /** Where this instance's release put it in the dispatch topic; null until the release committed. */
        private TopicPartition partition;

        private long offset = -1;

        Flight(String licenseKey, Instant since) {
            this.licenseKey = licenseKey;
            this.since = since;
            this.seenHeld = since;
        }

        String licenseKey() {
            return licenseKey;
        }

        Instant since() {
            return since;
        }
    }

    private record Cancel(Set<String> licenseKeys) {}

    /**
     * A task released by this instance that no live worker holds and no event has ended.
     *
     * @param task the task as released
     * @param partition the dispatch topic partition of its release
     * @param offset its record's offset there
     * @param releasedAt when it was released
     * @param lastHolder the worker that last said it held it, or last started it (null if none did)
     * @param lastDelivery the broker's delivery count of the last attempt started; 0 when none was seen
     */
    public record Vanished(
            TaskRequested task,
            TopicPartition partition,
            long offset,
            Instant releasedAt,
            String lastHolder,
            int lastDelivery) {}
}
