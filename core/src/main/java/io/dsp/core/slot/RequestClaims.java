package io.dsp.core.slot;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The request ids that one worker's slots hold, so that two copies of one task never both go on at one worker. A copy
 * comes twice when the dispatcher forwarded a task twice, or when a broker restart forgot a lock and handed the record
 * to a sibling slot while its holder was still recording the outcome. The ledger cannot settle that case: it shows this
 * very worker's attempt open, which {@link LedgerVerdict} does not wait for. So the second copy waits here, keeping its
 * own lock, until the first slot lets go; only then does it ask whether the task finished (the outcome the first
 * recorded, then the ledger). Native workers and each legacy worker behind the gateway keep one.
 */
public final class RequestClaims {

    /** Held while a slot handles a task; closing it lets a waiting copy go on. Idempotent. */
    public interface Claim extends AutoCloseable {
        @Override
        void close();
    }

    private final Map<String, CompletableFuture<Void>> held = new ConcurrentHashMap<>();

    /**
     * Claims {@code requestId} for the calling slot, first waiting (renewing the lease's lock meanwhile) for any other
     * slot of this worker that holds it to let go.
     *
     * @throws Lease.LockLost when the lock is lost while waiting: the copy must go back
     */
    public Claim claim(String requestId, Lease lease) throws InterruptedException, Lease.LockLost {
        while (true) {
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> theirs = held.putIfAbsent(requestId, mine);
            if (theirs == null) {
                return () -> {
                    held.remove(requestId, mine);
                    mine.complete(null);
                };
            }
            try {
                lease.await(theirs);
            } catch (ExecutionException e) {
                // never completed exceptionally; go round and claim again
            }
        }
    }

    /** Whether a slot of this worker holds {@code requestId} now. */
    public boolean held(String requestId) {
        return held.containsKey(requestId);
    }
}
