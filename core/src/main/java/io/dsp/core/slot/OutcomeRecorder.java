package io.dsp.core.slot;

import io.dsp.core.ledger.PriorAttempts;
import io.dsp.core.ledger.TaskLedger;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the outcome of a task that ran. Its effect has happened, so its outcome must land: it is the ledger entry that
 * keeps the next delivery from running the task again (ADR 006). A send that fails (a broker restart can fail one
 * outright) is sent again, but only once the ledger, brought up to date, shows that it did not land after all: an
 * answer lost with the connection must not write the outcome twice. Both kinds of slot (a native worker's and a
 * bridged legacy worker's) record outcomes through here.
 *
 * <p>It also remembers, for {@link #ENDED_HERE_KEPT}, the tasks whose outcome it recorded, with the outcome's type and
 * delivery: a copy of one that reaches this worker later must not run again while the ledger cannot show that outcome
 * yet. A read-committed reader sees nothing past a transaction a broker restart left open, and a worker's own open
 * attempt is not waited for ({@link LedgerVerdict}); the fault suite saw a native worker run a task twice so after a
 * broker kill -9.
 */
public final class OutcomeRecorder {

    /** One send of the outcome, waiting for Kafka's acknowledgement. */
    @FunctionalInterface
    public interface Send {
        void run() throws Exception;
    }

    /** How long a slot keeps trying to record an outcome: past any broker restart. */
    static final Duration PATIENCE = Duration.ofMinutes(10);
    /** The pause before the ledger is asked whether an outcome that could not be sent landed after all. */
    static final Duration LOOK_AGAIN = Duration.ofSeconds(2);

    /** How long a recorded outcome is remembered: far past any wait of a transaction left open on the events. */
    static final Duration ENDED_HERE_KEPT = Duration.ofMinutes(10);

    private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);

    private final TaskLedger ledger;
    private final Runnable resent;
    private final Duration patience;
    private final Duration lookAgain;
    private final LongSupplier nanos;
    /** Request ids whose outcome was recorded here, with when and which. */
    private final Map<String, Recorded> endedHere = new ConcurrentHashMap<>();
    /** The same, oldest first: what has been kept long enough is dropped from its head, so memory follows the rate. */
    private final Queue<Map.Entry<String, Recorded>> byAge = new ConcurrentLinkedQueue<>();

    /**
     * An outcome recorded here: when ({@link System#nanoTime}), its type and its attempt's delivery count ({@code null}:
     * not known, then never taken as stale).
     */
    private record Recorded(long at, TaskEventType type, Integer delivery) {}

    /** A recorder that asks {@code ledger} whether a failed send landed, and calls {@code resent} before each resend. */
    public OutcomeRecorder(TaskLedger ledger, Runnable resent) {
        this(ledger, resent, PATIENCE, LOOK_AGAIN, System::nanoTime);
    }

    OutcomeRecorder(TaskLedger ledger, Runnable resent, Duration patience, Duration lookAgain, LongSupplier nanos) {
        this.ledger = ledger;
        this.resent = resent;
        this.patience = patience;
        this.lookAgain = lookAgain;
        this.nanos = nanos;
    }

    /**
     * Whether an outcome recorded here within {@link #ENDED_HERE_KEPT} ends the task although the ledger, which shows
     * {@code prior}, does not show it yet: a slot acknowledges such a copy without running it. Not when the ledger shows
     * a later delivery started since: then that outcome is stale (the task had been handed on, ADR 018), every reader
     * ignores it, and the newer attempt decides ({@link PriorAttempts#admits}).
     */
    public boolean endedHere(String requestId, PriorAttempts prior) {
        Recorded recorded = endedHere.get(requestId);
        if (recorded == null || nanos.getAsLong() - recorded.at() > ENDED_HERE_KEPT.toNanos()) {
            return false;
        }
        return prior.admits(recorded.type(), recorded.delivery());
    }

    private void ended(String requestId, TaskEvent outcome) {
        long now = nanos.getAsLong();
        Recorded recorded = outcome == null
                ? new Recorded(now, null, null)
                : new Recorded(now, outcome.getType(), outcome.getDeliveryCount());
        endedHere.put(requestId, recorded);
        byAge.add(Map.entry(requestId, recorded));
        for (Map.Entry<String, Recorded> oldest = byAge.peek();
                oldest != null && now - oldest.getValue().at() > ENDED_HERE_KEPT.toNanos();
                oldest = byAge.peek()) {
            if (byAge.remove(oldest)) {
                endedHere.remove(oldest.getKey(), oldest.getValue());
            }
        }
    }

    /** How many outcomes are remembered now; for tests. */
    int remembered() {
        return endedHere.size();
    }

    /**
     * Sends {@code outcome}, a task event this release built, until Kafka has it or the ledger shows the task ended;
     * past the patience, the last send's error is thrown.
     */
    public void recordUntilItLands(ProducerRecord<byte[], byte[]> outcome, Send send) throws Exception {
        TaskEvent event = decode(outcome);
        send(event.getRequestId(), event, send);
    }

    /**
     * The same for an outcome an earlier run kept on disk, known by its request id: its event is read if it can be (one
     * a newer release wrote may not be, after a rollback), else it is remembered as never stale. A record that cannot be
     * read is still sent: its task must not run again.
     */
    public void recordUntilItLands(String requestId, ProducerRecord<byte[], byte[]> outcome, Send send)
            throws Exception {
        TaskEvent event = null;
        try {
            event = decode(outcome);
        } catch (RuntimeException e) {
            log.warn(
                    "the kept outcome of requestId={} cannot be read here; sent as it is: {}", requestId, e.toString());
        }
        send(requestId, event, send);
    }

    /** The same for an outcome known by its request id only: remembered as never stale. */
    void recordUntilItLands(String requestId, Send send) throws Exception {
        send(requestId, null, send);
    }

    private static TaskEvent decode(ProducerRecord<byte[], byte[]> outcome) {
        return Topics.TASK_EVENTS.valueSerde().deserializer().deserialize(outcome.topic(), outcome.value());
    }

    private void send(String requestId, TaskEvent event, Send outcome) throws Exception {
        Objects.requireNonNull(requestId, "requestId");
        long giveUpAt = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                outcome.run();
                ended(requestId, event);
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (System.nanoTime() - giveUpAt >= 0) {
                    throw e;
                }
                resent.run();
                log.warn(
                        "the outcome of requestId={} was not recorded ({}); the task ran, so its outcome is sent again"
                                + " unless the ledger shows it landed",
                        requestId,
                        e.toString());
            }
            if (landedAfterAll(requestId, giveUpAt)) {
                ended(requestId, event);
                return;
            }
        }
    }

    /**
     * Whether the task ended after all (an outcome whose answer was lost with the connection, or another attempt's):
     * only a ledger brought up to date can say it did not, so this looks until it can, the ledger fails, or the
     * patience runs out.
     */
    private boolean landedAfterAll(String requestId, long giveUpAt) throws InterruptedException {
        while (true) {
            TimeUnit.NANOSECONDS.sleep(lookAgain.toNanos());
            try {
                if (ledger.priorAttempts(requestId).finished()) {
                    log.info("requestId={} ended in the ledger meanwhile; its outcome is not sent again", requestId);
                    return true;
                }
                return false;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (System.nanoTime() - giveUpAt >= 0 || ledger.failure().isPresent()) {
                    // Sent again unchecked: readers count a duplicate outcome, while a missing one runs the task again.
                    return false;
                }
                log.debug("the ledger could not say whether requestId={} ended: {}", requestId, e.toString());
            }
        }
    }
}
