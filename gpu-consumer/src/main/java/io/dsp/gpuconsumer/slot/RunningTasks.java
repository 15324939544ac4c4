package io.dsp.gpuconsumer.slot;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The request ids this worker's slots are running. A second copy of a running task (the dispatcher forwarded it
 * twice) waits here for the first to end, holding its own record, and then asks the ledger whether it is finished:
 * checking the ledger at once would find neither copy finished and run both.
 */
final class RunningTasks {

    /** Held while a slot runs a task; closing it lets waiting copies go on. */
    interface Claim extends AutoCloseable {
        @Override
        void close();
    }

    private final Map<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();

    Claim claim(String requestId, Lease lease) throws InterruptedException, Lease.LockLost {
        while (true) {
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> theirs = running.putIfAbsent(requestId, mine);
            if (theirs == null) {
                return () -> {
                    running.remove(requestId, mine);
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
}
