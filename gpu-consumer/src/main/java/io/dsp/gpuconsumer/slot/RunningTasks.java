package io.dsp.gpuconsumer.slot;

import io.dsp.core.slot.Lease;
import io.dsp.core.slot.RequestClaims;
import io.dsp.schemas.avro.TaskRequested;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request ids this worker's slots are running. A second copy of a running task (the dispatcher forwarded it
 * twice) waits for the first to end ({@link RequestClaims}), holding its own record, and then asks whether it is
 * finished (the outcomes this worker recorded, then the ledger): checking at once would find neither copy finished and
 * run both. A cancel of a running task reaches its work through here.
 */
final class RunningTasks {

    private static final Logger log = LoggerFactory.getLogger(RunningTasks.class);

    /** Held while a slot runs a task; closing it lets waiting copies go on. */
    static final class Claim implements AutoCloseable {

        private final String licenseKey;
        private final Runnable release;
        private Future<?> work;
        private boolean cancelled;

        private Claim(String licenseKey, Runnable release) {
            this.licenseKey = licenseKey;
            this.release = release;
        }

        /** The task's work, which a cancel interrupts; a cancel that came before the work is applied now. */
        synchronized void attach(Future<?> work) {
            this.work = work;
            if (cancelled) {
                work.cancel(true);
            }
        }

        /** Stops the work if it has not finished; true when it was stopped (its result, if any, is discarded). */
        synchronized boolean cancel() {
            cancelled = true;
            return work == null || work.cancel(true);
        }

        synchronized boolean cancelled() {
            return cancelled && (work == null || work.isCancelled());
        }

        @Override
        public void close() {
            release.run();
        }
    }

    private final RequestClaims requests = new RequestClaims();
    private final Map<String, Claim> claims = new ConcurrentHashMap<>();

    Claim claim(TaskRequested task, Lease lease) throws InterruptedException, Lease.LockLost {
        String requestId = task.getRequestId();
        RequestClaims.Claim request = requests.claim(requestId, lease);
        Claim[] self = new Claim[1];
        self[0] = new Claim(task.getLicenseKey(), () -> {
            claims.remove(requestId, self[0]);
            request.close();
        });
        claims.put(requestId, self[0]);
        return self[0];
    }

    /** Stops the running task with this request id if the cancel came from its own license; others are ignored. */
    void cancel(String requestId, String licenseKey) {
        Claim claim = claims.get(requestId);
        if (claim == null) {
            return; // not running here; if it arrives later, the slot asks Cancellations before starting it
        }
        if (!claim.licenseKey.equals(licenseKey)) {
            log.warn("ignoring a cancel of running requestId={} sent with another license's key", requestId);
            return;
        }
        if (claim.cancel()) {
            log.info("cancelling running requestId={}", requestId);
        }
    }
}
