package io.dsp.core.slot;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet slot's hold on the one record it acquired, kept for as long as the task needs, however long that is, by
 * renewing the acquisition lock with the sequence measured to be safe under backlog (share-groups probe, Q1):
 * {@code acknowledge(record, RENEW)}, {@code commitSync()} (an error means the lock is lost), then a short
 * {@code poll}, which hands the same record back. RENEW followed directly by {@code poll()} acquires further records
 * and ran tasks twice in the probe. Both kinds of slot (a native worker's and a bridged legacy worker's) hold their
 * task through this class, so a lease rule is written once.
 *
 * <p>spring-kafka's share container acknowledges and renews on its own schedule, not in this sequence, which is why
 * slots drive their {@link ShareConsumer} by hand. A lease belongs to the slot's thread (a consumer has one owner).
 */
public final class Lease {

    /** Thrown when the broker no longer holds the record for this slot: another worker may run it now. */
    public static final class LockLost extends Exception {
        LockLost(String message) {
            super(message);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(Lease.class);
    private static final Duration RENEWAL_POLL = Duration.ofMillis(100);
    /** Polls after a renewal before the record counts as lost: a busy broker may answer the first ones empty. */
    private static final int RENEWAL_POLLS = 20;

    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_LOCK = Duration.ofSeconds(30);
    /** Taken off a renewed lock before it counts as surely held: the broker's clock and ours need not agree. */
    private static final Duration SURE_MARGIN = Duration.ofSeconds(1);

    private final ShareConsumer<byte[], byte[]> consumer;
    private final Duration renewEvery;
    private final Duration lock;
    private ConsumerRecord<byte[], byte[]> record;
    private int renewals;
    private long lastRenewal = System.nanoTime();
    /**
     * Until when ({@link System#nanoTime}) the broker surely still holds the record for this slot: a renewal's lock
     * runs from when the broker took the RENEW, which is after it was sent. The acquisition is taken to have happened
     * up to a third of the lock before the lease began (the record may have waited in the consumer).
     */
    private volatile long surelyHeldUntil;
    /**
     * Set for good once a renewal was due after the lock may have run out: whatever the broker answers then (it may
     * hand the record back as a new delivery), another member may have run the task meanwhile.
     */
    private volatile boolean lapsed;

    /** A lease renewed every third of the consumer's acquisition lock (two renewals may fail before it runs out). */
    public Lease(ShareConsumer<byte[], byte[]> consumer, ConsumerRecord<byte[], byte[]> record) {
        this(consumer, record, lockOf(consumer).dividedBy(3));
    }

    /**
     * A lease renewed at a chosen interval, at most a third of the group's record lock: a renewal due later would find
     * the lease lapsed (a group configured with a shorter lock than the slot's setting assumed).
     */
    public Lease(ShareConsumer<byte[], byte[]> consumer, ConsumerRecord<byte[], byte[]> record, Duration renewEvery) {
        this.consumer = consumer;
        this.record = record;
        this.lock = lockOf(consumer);
        this.renewEvery = renewEvery.compareTo(lock.dividedBy(3)) > 0 ? lock.dividedBy(3) : renewEvery;
        this.surelyHeldUntil = lastRenewal + lock.toNanos() - lock.dividedBy(3).toNanos();
    }

    /**
     * Whether the broker surely still holds the record for this slot, judged by the local clock alone: false once a
     * whole lock may have passed since the last renewal the broker granted (the worker was paused, a GC or a frozen
     * VM, or cut off past its lock), when another member may already run the task. A handler asks it (through its task
     * context) right before an effect it cannot take back. Any thread may ask.
     */
    public boolean surelyHeld() {
        return !lapsed && System.nanoTime() - surelyHeldUntil < 0;
    }

    /** How often the lock is renewed while the task runs: the chosen interval, at most a third of the lock. */
    public Duration renewEvery() {
        return renewEvery;
    }

    /** The record as last handed back by the broker (its delivery count is the broker's). */
    public ConsumerRecord<byte[], byte[]> record() {
        return record;
    }

    /**
     * Waits for the work to finish, renewing the lock meanwhile, each renewal due {@link #renewEvery()} after the last
     * one (or the acquisition), whatever the slot did in between.
     */
    public <T> T await(Future<T> work) throws InterruptedException, ExecutionException, LockLost {
        while (true) {
            try {
                long due = Math.max(1, renewEvery.toNanos() - (System.nanoTime() - lastRenewal));
                return work.get(due, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                try {
                    renew();
                } catch (InterruptException interrupted) {
                    // the consumer's own word for an interrupt (the thread's flag set again): said as Java says it
                    Thread.interrupted();
                    InterruptedException plain = new InterruptedException("interrupted while renewing the lock");
                    plain.initCause(interrupted);
                    throw plain;
                } catch (LockLost lost) {
                    if (!work.isDone()) {
                        throw lost;
                    }
                    // It finished while the renewal waited (a broker restart): its outcome is known and must be
                    // reported, because the outcome is what keeps the next delivery from running it again.
                    log.info("{}; the task finished meanwhile, its outcome is reported", lost.getMessage());
                    return work.get();
                }
            }
        }
    }

    /**
     * Runs one blocking step of the slot (a send to Kafka, a ledger look-up) on {@code io} while this thread keeps
     * the lock, so no wait of the step can outlast the lock (ADR 018). The step's own exception is rethrown as is. A
     * lock lost while the step is still running is thrown as {@link LockLost}; the step is left to finish (a send that
     * lands anyway is fenced by its delivery).
     */
    public <T> T during(Callable<T> step, ExecutorService io) throws Exception {
        Future<T> running = io.submit(step);
        return unwrapped(() -> await(running));
    }

    /**
     * {@link #during}, for a step that must not be abandoned (recording the outcome of a task that ran): when the lock
     * is lost, {@code whenLost} is told, the step is waited for (its exception rethrown as is), and only then is
     * {@link LockLost} thrown, so the caller keeps its claim on the task until the step is done.
     */
    public void seeThrough(Callable<?> step, ExecutorService io, Consumer<LockLost> whenLost) throws Exception {
        Future<?> running = io.submit(step);
        try {
            unwrapped(() -> await(running));
        } catch (LockLost lost) {
            whenLost.accept(lost);
            unwrapped(running::get);
            throw lost;
        }
    }

    /**
     * Keeps the record through a short pause (well under {@link #renewEvery()}) without running anything, renewing
     * the lock when a renewal is due.
     */
    public void keep(Duration pause) throws InterruptedException, LockLost {
        TimeUnit.NANOSECONDS.sleep(pause.toNanos());
        if (System.nanoTime() - lastRenewal >= renewEvery.toNanos()) {
            renew();
        }
    }

    /** Keeps the record for this long without running anything (a retry's back-off), renewing the lock meanwhile. */
    public void hold(Duration duration) throws InterruptedException, LockLost {
        long deadline = System.nanoTime() + duration.toNanos();
        for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, renewEvery.toNanos()));
            if (deadline - System.nanoTime() > 0) {
                renew();
            }
        }
    }

    /** Ends the hold; returns the broker's error for the acknowledgement, if any. */
    public Optional<KafkaException> acknowledge(AcknowledgeType type) {
        consumer.acknowledge(record, type);
        // a commit that timed out may throw instead of answering (KAFKA-21485): that is its answer too
        return guarded(() -> firstError(consumer.commitSync(COMMIT_TIMEOUT)), Optional::of);
    }

    /**
     * Ends the hold for good ({@code ACCEPT} or {@code REJECT}) without a commit of its own: the acknowledgement rides
     * on the consumer's next poll (or its close), which fetches the slot's next task in the same request, so the slot
     * does not wait a round trip between two tasks (issue 18). The broker's answer reaches the consumer's
     * acknowledgement commit callback at the start of the consumer's next call after that (a poll, a commit, its close).
     * Unlike a commit, a failed fetch is not retried: the acknowledgement is then lost. So it is only for a record whose
     * outcome is already recorded: if the acknowledgement never arrives (it failed, or the worker died first), the
     * record comes back after its lock and the ledger ends it without running it again (ADR 006).
     *
     * @return the consumer's refusal of the acknowledgement (a lock it no longer holds), if any
     * @throws IllegalArgumentException for an acknowledgement that gives the record back or renews it: those commit at
     *     once ({@link #acknowledge})
     */
    public Optional<KafkaException> acknowledgeWithNextPoll(AcknowledgeType type) {
        if (type != AcknowledgeType.ACCEPT && type != AcknowledgeType.REJECT) {
            throw new IllegalArgumentException(type + " is committed at once, not with the next poll");
        }
        return guarded(
                () -> {
                    consumer.acknowledge(record, type);
                    return Optional.<KafkaException>empty();
                },
                Optional::of);
    }

    /**
     * Whether an acknowledgement's error leaves the consumer in a state nobody knows (a commit with no answer, or a
     * consumer that refused the call): its slot replaces it before the next poll.
     */
    public static boolean spoils(KafkaException error) {
        return error instanceof org.apache.kafka.common.errors.TimeoutException
                || error.getCause() instanceof IllegalStateException;
    }

    /**
     * Proves that this slot still holds the record after a step every other member must see before it could take the
     * task over (the STARTED event): a broker restart forgets acquisition locks, so another member may have acquired the
     * record while the step was on its way and, not seeing it yet, be running the task. A renewal the broker grants
     * after the step landed means no other member holds the record (ADR 023); otherwise {@link LockLost}.
     */
    public void confirm() throws LockLost {
        renew();
    }

    /** Renewals since the lease began. */
    public int renewals() {
        return renewals;
    }

    /**
     * Renews the lock now: RENEW, commitSync, then poll until the broker hands the same record back. A lease whose lock
     * may have run out before this renewal (the worker was frozen or cut off for longer than the lock) is lost for good,
     * even if the broker would grant it: the task may have run elsewhere and ended meanwhile (the fault suite saw a
     * worker frozen past its lock renew, run the effect the other worker had run, and report it).
     */
    public void renew() throws LockLost {
        long sent = System.nanoTime();
        if (lapsed || sent - surelyHeldUntil >= 0) {
            lapsed = true;
            throw new LockLost("the lock on " + record.topic() + "@" + record.offset() + " may have run out before it"
                    + " was renewed (this worker was paused or cut off for longer than the lock)");
        }
        // A commit that times out may throw instead of answering per partition (KAFKA-21485): the lock is just as
        // unproven, and a caller whose task finished meanwhile must still get to report its outcome.
        Optional<KafkaException> error = guarded(
                () -> {
                    consumer.acknowledge(record, AcknowledgeType.RENEW);
                    return firstError(consumer.commitSync(COMMIT_TIMEOUT));
                },
                Optional::of);
        if (error.isPresent()) {
            throw new LockLost(
                    "renewing the lock on " + record.topic() + "@" + record.offset() + " failed: " + error.get());
        }
        for (int i = 0; i < RENEWAL_POLLS; i++) {
            boolean back = false;
            for (ConsumerRecord<byte[], byte[]> again : renewalPoll()) {
                if (again.partition() == record.partition() && again.offset() == record.offset()) {
                    if (deliveries(again) > deliveries(record)) {
                        // Released and acquired anew: not a renewal, and not ours to run without the ledger's look.
                        lapsed = true;
                        acknowledgeQuietly(again, AcknowledgeType.RELEASE);
                        throw new LockLost("the broker handed " + record.topic() + "@" + record.offset()
                                + " back as a new delivery: the lock had run out");
                    }
                    record = again;
                    back = true;
                } else {
                    // Not seen in the probe with this sequence; if it happens, the extra record is not ours to run.
                    log.warn("renewal poll acquired {}@{} too; releasing it", again.topic(), again.offset());
                    acknowledgeQuietly(again, AcknowledgeType.RELEASE);
                }
            }
            if (back) {
                renewals++;
                // The next renewal is due a third of the lock after this one was sent, however long the grant took.
                lastRenewal = sent;
                surelyHeldUntil = sent + lock.toNanos() - Math.min(SURE_MARGIN.toNanos(), lock.toNanos() / 10);
                return;
            }
        }
        throw new LockLost("renewal polls did not hand " + record.topic() + "@" + record.offset() + " back");
    }

    /** Hands back a record that is not this lease's to keep; if that fails, the lock hands it back later. */
    private void acknowledgeQuietly(ConsumerRecord<byte[], byte[]> other, AcknowledgeType type) {
        guarded(
                () -> {
                    consumer.acknowledge(other, type);
                    consumer.commitSync(COMMIT_TIMEOUT);
                    return null;
                },
                e -> {
                    log.debug("could not hand back {}@{}: {}", other.topic(), other.offset(), e.toString());
                    return null;
                });
    }

    /** One poll after a renewal; a poll that fails proves nothing held, as if it came back empty. */
    private Iterable<ConsumerRecord<byte[], byte[]>> renewalPoll() throws LockLost {
        return guarded(() -> consumer.poll(RENEWAL_POLL), e -> {
            throw new LockLost(
                    "the poll after renewing the lock on " + record.topic() + "@" + record.offset() + " failed: " + e);
        });
    }

    /** What a failed consumer call comes to, in place of its result. */
    @FunctionalInterface
    private interface OnFailure<T, X extends Exception> {
        T apply(KafkaException failure) throws X;
    }

    /**
     * Runs a consumer call. Wake-up and interrupt pass through (the slot is stopping); any other failure, a consumer
     * that refused the call ({@link IllegalStateException}, wrapped) included, is handed to {@code onFailure}.
     */
    private static <T, X extends Exception> T guarded(Supplier<T> call, OnFailure<T, X> onFailure) throws X {
        try {
            return call.get();
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            return onFailure.apply(e);
        } catch (IllegalStateException e) {
            return onFailure.apply(new KafkaException(e));
        }
    }

    /** Waits through a future's own wrapper: a step's exception is rethrown as the step threw it. */
    private static <T> T unwrapped(Callable<T> wait) throws Exception {
        try {
            return wait.call();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static int deliveries(ConsumerRecord<byte[], byte[]> record) {
        return record.deliveryCount().map(Short::intValue).orElse(0);
    }

    private static Duration lockOf(ShareConsumer<byte[], byte[]> consumer) {
        return consumer.acquisitionLockTimeoutMs()
                .map(ms -> Duration.ofMillis(ms.longValue()))
                .orElse(DEFAULT_LOCK);
    }

    private static Optional<KafkaException> firstError(Map<TopicIdPartition, Optional<KafkaException>> results) {
        return results.values().stream().flatMap(Optional::stream).findFirst();
    }
}
