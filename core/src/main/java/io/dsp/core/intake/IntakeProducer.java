package io.dsp.core.intake;

import io.dsp.schemas.topic.TopicProvisioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * The producer an edge writes new tasks with: the service's own producer settings (servers, security, acks,
 * idempotence), made transactional, so that a task the edge answers "failed" is aborted and never seen by a reader of
 * committed records (ADR 019).
 *
 * <p>Submissions are committed in groups (ADR 026): a few committer threads each take every submission waiting at
 * that moment (up to {@code maxBatch}) into one transaction. Alone, a submission gets a transaction of its own, as
 * before; under load, one commit (and one set of transaction markers) serves many tasks, which is what lets intake keep
 * up with a raw producer. Each caller still gets its own answer: its records were committed, or they never will be (its
 * transaction was aborted, or it was never sent), or its commit went unanswered ({@link TaskSubmission.Unconfirmed}).
 * Transactional ids are {@code <prefix><node>-<start>-<n>}; every other record of the service keeps going through its
 * ordinary, non-transactional template.
 */
public final class IntakeProducer implements DisposableBean {

    /** Committer threads by default: transactions in flight at once. */
    public static final int DEFAULT_COMMITTERS = 4;
    /** Submissions in one transaction at most, by default. */
    public static final int DEFAULT_MAX_BATCH = 64;

    private static final Logger log = LoggerFactory.getLogger(IntakeProducer.class);
    private static final long IDLE_POLL_MS = 200;

    private final DefaultKafkaProducerFactory<byte[], byte[]> producers;
    private final KafkaTemplate<byte[], byte[]> template;
    private final BlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
    private final ExecutorService committers;
    private final int maxBatch;
    /** How long a caller whose submission is already in a transaction waits for that transaction's verdict. */
    private final Duration verdictWithin;

    private final java.util.concurrent.atomic.AtomicLong committed = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    /** With {@value #DEFAULT_COMMITTERS} committers and up to {@value #DEFAULT_MAX_BATCH} tasks per transaction. */
    public IntakeProducer(
            ProducerFactory<byte[], byte[]> base, String transactionalIdPrefix, String node, Duration answerWithin) {
        this(base, transactionalIdPrefix, node, answerWithin, DEFAULT_COMMITTERS, DEFAULT_MAX_BATCH);
    }

    /**
     * @param base the service's producer factory, whose settings are copied
     * @param transactionalIdPrefix the service's catalogued prefix (its ACL), e.g. {@code dsp-asset-api-intake-}
     * @param node this instance's node id: instances of one service must not share transactional ids
     * @param answerWithin how long the edge waits before it answers; a commit or a blocked send gives up before that
     * @param committers transactions in flight at once (each on its own transactional producer), at least 1
     * @param maxBatch submissions in one transaction at most; 1 commits each alone
     */
    public IntakeProducer(
            ProducerFactory<byte[], byte[]> base,
            String transactionalIdPrefix,
            String node,
            Duration answerWithin,
            int committers,
            int maxBatch) {
        if (committers < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("committers and maxBatch must be at least 1");
        }
        Map<String, Object> config = new HashMap<>(base.getConfigurationProperties());
        // A commit that blocks past the answer would leave the caller with no answer at all.
        long blockMs = Math.max(1_000, answerWithin.toMillis() / 2);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) blockMs);
        // A transaction left open by a crashed edge is aborted by the coordinator soon, not after the default 60 s.
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.max(10_000, answerWithin.toMillis() * 3));
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        this.producers = new DefaultKafkaProducerFactory<>(config);
        // Unique per start: two instances left on the same node id (a default) must not fence each other's
        // transactions. What a crashed start left open, the coordinator aborts after the transaction timeout.
        String start = java.util.UUID.randomUUID().toString().substring(0, 8);
        this.producers.setTransactionIdPrefix(transactionalIdPrefix + node + "-" + start + "-");
        this.template = new KafkaTemplate<>(producers);
        this.maxBatch = maxBatch;
        // begin, commit and abort each block at most max.block.ms: a verdict always comes within three of them
        this.verdictWithin = Duration.ofMillis(blockMs * 3 + 1_000);
        AtomicInteger n = new AtomicInteger();
        this.committers = Executors.newFixedThreadPool(committers, r -> {
            Thread t = new Thread(r, "intake-commit-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < committers; i++) {
            this.committers.execute(this::commitLoop);
        }
    }

    /**
     * Ensures the license's topic for the task's priority, then writes the submission's records in a transaction
     * (shared with the submissions waiting beside it) and returns once it committed.
     *
     * @throws TaskSubmission.Unconfirmed when the commit was sent and not answered: the task may run
     * @throws KafkaException otherwise: the task was never sent or its transaction was aborted, so no reader of
     *     committed records ever sees it (an interrupted wait restores the thread's interrupt flag)
     */
    public void send(TaskSubmission submission, TopicProvisioner topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            topics.ensureTopicOf(submission.task());
        } catch (RuntimeException e) {
            throw submission.failure(e, timeout);
        }
        if (closed) {
            throw new KafkaException("Task " + submission.task().getRequestId() + " not sent: intake is stopping");
        }
        Pending pending = new Pending(submission, deadline, timeout);
        waiting.add(pending);
        pending.await(verdictWithin);
    }

    private void commitLoop() {
        while (!closed) {
            try {
                Pending first = waiting.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Pending> batch = new ArrayList<>();
                if (first.take()) {
                    batch.add(first);
                }
                for (Pending next; batch.size() < maxBatch && (next = waiting.poll()) != null; ) {
                    if (next.take()) {
                        batch.add(next);
                    }
                }
                if (!batch.isEmpty()) {
                    commit(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("intake committer failed; it goes on with the next submissions", e);
            }
        }
    }

    /** Commits a batch and answers every submission in it. */
    private void commit(List<Pending> batch) {
        List<Pending> live = new ArrayList<>();
        for (Pending p : batch) {
            if (p.expired()) {
                p.fail(p.submission.failure(new TimeoutException("deadline passed before its transaction"), p.timeout));
            } else {
                live.add(p);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        Map<Pending, List<CompletableFuture<?>>> sends = new HashMap<>();
        List<Pending> refusedAtSend = new ArrayList<>();
        AtomicBoolean sent = new AtomicBoolean();
        try {
            long deadline = live.stream().mapToLong(p -> p.deadline).min().orElseThrow();
            template.executeInTransaction(operations -> {
                List<CompletableFuture<?>> all = new ArrayList<>();
                for (Pending p : live) {
                    // kept before sending: the send after a refused record throws, and the refusal must be found
                    List<CompletableFuture<?>> own = new ArrayList<>();
                    sends.put(p, own);
                    for (ProducerRecord<byte[], byte[]> record : p.submission.records()) {
                        CompletableFuture<?> send;
                        try {
                            send = operations.send(record);
                        } catch (RuntimeException refused) {
                            // spring-kafka throws what the producer refused at once (a record too large, say)
                            own.add(CompletableFuture.failedFuture(refused));
                            refusedAtSend.add(p);
                            throw refused;
                        }
                        own.add(send);
                        all.add(send);
                    }
                }
                try {
                    CompletableFuture.allOf(all.toArray(CompletableFuture<?>[]::new))
                            .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Wrapped(e);
                } catch (ExecutionException | TimeoutException e) {
                    throw new Wrapped(e);
                }
                sent.set(true);
                return null;
            });
            committed.incrementAndGet();
            live.forEach(Pending::succeed);
        } catch (RuntimeException e) {
            Throwable cause = e instanceof Wrapped ? e.getCause() : e;
            if (sent.get()) {
                // every record was acknowledged, so it was the commit that failed: it may have taken
                live.forEach(p -> p.fail(new TaskSubmission.Unconfirmed(
                        "Task " + p.submission.task().getRequestId() + " sent; its commit was not confirmed: " + e,
                        e)));
                return;
            }
            // Aborted. A record Kafka refuses for itself (too large, say) spoils the transaction for the others. The
            // producer fails the others' unsent batches with that same error, so it does not tell whose record it
            // was; the send that threw does. That submission fails and the rest go again without it.
            if (!refusedAtSend.isEmpty()) {
                refusedAtSend.forEach(p -> p.fail(p.submission.failure(firstError(sends.get(p)), p.timeout)));
                List<Pending> rest =
                        live.stream().filter(p -> !refusedAtSend.contains(p)).toList();
                if (!rest.isEmpty()) {
                    commit(rest);
                }
                return;
            }
            // Refused by the broker, after the send: each submission goes again alone, so only the culprit fails.
            if (live.size() > 1 && live.stream().anyMatch(p -> refusedForItself(sends.get(p)))) {
                live.forEach(p -> commit(List.of(p)));
                return;
            }
            live.forEach(p -> p.fail(p.submission.failure(cause, p.timeout)));
        }
    }

    /**
     * Whether one of these sends failed with the broker's or the client's verdict on its own record (too large, not
     * allowed), not on the state of the transaction: the sends after such an error fail with a plain
     * {@link KafkaException} that only carries it, and those already in flight with
     * {@link TransactionAbortedException} (an {@link ApiException} about the transaction, not the record).
     */
    private static boolean refusedForItself(List<CompletableFuture<?>> sends) {
        Throwable error = firstError(sends);
        return error instanceof ApiException
                && !(error instanceof RetriableException)
                && !(error instanceof TransactionAbortedException);
    }

    private static Throwable firstError(List<CompletableFuture<?>> sends) {
        if (sends == null) {
            return null;
        }
        for (CompletableFuture<?> send : sends) {
            if (send.isCompletedExceptionally()) {
                try {
                    send.join();
                } catch (RuntimeException e) {
                    // CompletionException, then spring-kafka's KafkaException ("Send failed"), then the producer's own
                    // error
                    Throwable error = e;
                    while ((error instanceof java.util.concurrent.CompletionException
                                    || error instanceof org.springframework.kafka.KafkaException)
                            && error.getCause() != null) {
                        error = error.getCause();
                    }
                    return error;
                }
            }
        }
        return null;
    }

    /** Transactions committed so far; fewer than the tasks when submissions shared them. */
    public long committedTransactions() {
        return committed.get();
    }

    @Override
    public void destroy() {
        closed = true;
        committers.shutdown();
        try {
            if (!committers.awaitTermination(verdictWithin.toMillis(), TimeUnit.MILLISECONDS)) {
                committers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            committers.shutdownNow();
        }
        for (Pending p; (p = waiting.poll()) != null; ) {
            if (p.take()) {
                p.fail(new KafkaException(
                        "Task " + p.submission.task().getRequestId() + " not sent: intake is stopping"));
            }
        }
        producers.destroy();
    }

    /** Carries a checked exception out of a transaction's callback. */
    private static final class Wrapped extends RuntimeException {
        Wrapped(Exception cause) {
            super(cause);
        }
    }

    /**
     * One submission waiting for its transaction. Taken by a committer or abandoned by its caller, never both: a caller
     * that gives up first can answer "failed" knowing nothing was sent.
     */
    private static final class Pending {

        private static final int QUEUED = 0;
        private static final int TAKEN = 1;
        private static final int ABANDONED = 2;

        final TaskSubmission submission;
        final long deadline;
        final Duration timeout;
        private final AtomicInteger state = new AtomicInteger(QUEUED);
        private final CompletableFuture<Void> verdict = new CompletableFuture<>();

        Pending(TaskSubmission submission, long deadline, Duration timeout) {
            this.submission = submission;
            this.deadline = deadline;
            this.timeout = timeout;
        }

        boolean take() {
            return state.compareAndSet(QUEUED, TAKEN);
        }

        boolean expired() {
            return deadline - System.nanoTime() <= 0;
        }

        void succeed() {
            verdict.complete(null);
        }

        void fail(KafkaException e) {
            verdict.completeExceptionally(e);
        }

        /** Waits for the verdict; past the deadline, gives up only if no committer has taken the submission. */
        void await(Duration verdictWithin) {
            boolean interrupted = false;
            try {
                try {
                    verdict.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    // below
                }
                if (state.compareAndSet(QUEUED, ABANDONED)) {
                    throw interrupted
                            ? new KafkaException("Interrupted while sending task "
                                    + submission.task().getRequestId())
                            : submission.failure(new TimeoutException("not sent within its deadline"), timeout);
                }
                // In a transaction now: only its verdict can say whether the task will run.
                long until = System.nanoTime() + verdictWithin.toNanos();
                while (true) {
                    try {
                        verdict.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                        return;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (TimeoutException e) {
                        throw new TaskSubmission.Unconfirmed(
                                "Task " + submission.task().getRequestId() + " in a transaction with no verdict", e);
                    }
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof KafkaException k
                        ? k
                        : new KafkaException("Task " + submission.task().getRequestId() + " not sent", e.getCause());
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
