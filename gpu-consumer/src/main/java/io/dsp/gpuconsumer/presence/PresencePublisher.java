package io.dsp.gpuconsumer.presence;

import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.WorkerSettings;
import io.dsp.gpuconsumer.slot.SlotPool;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.topic.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Tells the fleet this worker exists: a {@link WorkerPresence} beat every heartbeat interval with its slots and
 * in-flight count, and a tombstone when it stops. The dispatcher sizes its release window from these.
 */
@Component
class PresencePublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PresencePublisher.class);

    private final KafkaTemplate<byte[], byte[]> kafka;
    private final WorkerIdentity identity;
    private final WorkerSettings settings;
    private final SlotPool slots;
    private final Clock clock;
    private final Instant startedAt;
    private final TaskScheduler scheduler;
    private volatile ScheduledFuture<?> beats;
    /** Guards a beat's send against the tombstone's: no beat may follow the withdrawal (the topic is compacted). */
    private final Object sending = new Object();
    /** Set under {@link #sending} once the tombstone is sent; cleared at start. */
    private boolean withdrawn;

    PresencePublisher(
            KafkaTemplate<byte[], byte[]> kafka,
            WorkerIdentity identity,
            WorkerSettings settings,
            SlotPool slots,
            Clock clock,
            TaskScheduler scheduler) {
        this.scheduler = scheduler;
        this.kafka = kafka;
        this.identity = identity;
        this.settings = settings;
        this.slots = slots;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    @Override
    public void start() {
        synchronized (sending) {
            withdrawn = false;
        }
        // Fixed delay, not fixed rate: after a stall (a loaded host, a long GC) a fixed-rate timer fires the missed
        // beats back to back, all with the same time; one beat says as much.
        beats = scheduler.scheduleWithFixedDelay(this::beat, settings.heartbeatInterval());
        log.info("presence started: workerId={} slots={}", identity.id(), settings.maxConcurrent());
    }

    void beat() {
        try {
            WorkerPresence presence = WorkerPresence.newBuilder()
                    .setWorkerId(identity.id())
                    .setKind(WorkerKind.NATIVE)
                    .setLane("gpu")
                    .setHost(identity.host())
                    .setSlots(slots.offeredSlots())
                    .setInFlight(slots.inFlight())
                    .setHeld(slots.held())
                    // a worker that cannot check its ledger takes nothing: no free slot to count
                    .setDraining(slots.draining() || slots.ledgerDown())
                    .setStartedAt(startedAt)
                    .setHeartbeatAt(clock.instant())
                    .setHeartbeatIntervalMs(settings.heartbeatInterval().toMillis())
                    .build();
            synchronized (sending) {
                if (withdrawn) {
                    return; // a beat that ran into the stop: the tombstone is the last word
                }
                kafka.send(Topics.WORKERS.record(identity.id(), presence));
            }
        } catch (RuntimeException e) {
            log.warn("presence beat failed: {}", e.toString());
        }
    }

    /**
     * Says "gone" once no task runs here, beating meanwhile (draining, with what still runs). Spring stops a bean's
     * dependents before the bean whatever their phases, so this bean, which reads the pool, would stop first: it stops
     * the pool itself. Otherwise a withdrawal waiting on an unreachable broker ate into the slots' shutdown timeout, and
     * a worker stopped while cut off was killed later than it had to be, its kept outcomes recorded later (ADR 032).
     */
    @Override
    public void stop() {
        try {
            if (slots.isRunning()) {
                slots.stop();
            }
        } finally {
            withdraw();
        }
    }

    private void withdraw() {
        ScheduledFuture<?> running = beats;
        beats = null;
        if (running != null) {
            running.cancel(true);
        }
        try {
            CompletableFuture<?> sent;
            synchronized (sending) {
                withdrawn = true;
                sent = kafka.send(Topics.WORKERS.record(identity.id(), null));
            }
            sent.get(5, TimeUnit.SECONDS);
            log.info("presence withdrawn: workerId={}", identity.id());
        } catch (Exception e) {
            log.warn("could not withdraw presence; readers expire it after missed beats: {}", e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return beats != null;
    }

    @Override
    public int getPhase() {
        return 0;
    }
}
