package io.dsp.core.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerIsolationTest {

    private static final Duration SHORT = Duration.ofSeconds(5);

    /** Waits as a lease would, without a lock to keep. */
    private static final WorkerIsolation.Waiting PLAIN = change -> {
        try {
            change.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    };

    private final ExecutorService slots = Executors.newCachedThreadPool();
    private final WorkerIsolation isolation = new WorkerIsolation(3);

    @AfterEach
    void stopSlots() throws InterruptedException {
        slots.shutdownNow();
        assertThat(slots.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void tasksThatAreNotSuspectRunSideBySideAndNotAlone() throws Exception {
        try (WorkerIsolation.Pass first = isolation.enter(false, PLAIN);
                WorkerIsolation.Pass second = isolation.enter(false, PLAIN)) {
            assertThat(first.alone()).isFalse();
            assertThat(second.alone()).isFalse();
            assertThat(isolation.sharedRunning()).isEqualTo(2);
        }
        assertThat(isolation.sharedRunning()).isZero();
    }

    @Test
    void aSuspectWaitsForTheRunningTasksToEndAndThenRunsAlone() throws Exception {
        WorkerIsolation.Pass running = isolation.enter(false, PLAIN);
        Future<WorkerIsolation.Pass> suspect = slots.submit(() -> isolation.enter(true, PLAIN));

        await().atMost(SHORT).until(isolation::soloTurnTaken);
        assertThat(suspect).isNotDone();

        running.close();
        WorkerIsolation.Pass alone = suspect.get(5, TimeUnit.SECONDS);
        assertThat(alone.alone()).isTrue();
        alone.close();
        assertThat(isolation.soloTurnTaken()).isFalse();
    }

    @Test
    void aTaskThatWouldStartWhileASuspectRunsWaitsForItsEnd() throws Exception {
        WorkerIsolation.Pass alone = isolation.enter(true, PLAIN);
        Future<WorkerIsolation.Pass> next = slots.submit(() -> isolation.enter(false, PLAIN));
        Future<WorkerIsolation.Pass> anotherSuspect = slots.submit(() -> isolation.enter(true, PLAIN));

        await().during(Duration.ofMillis(300)).atMost(SHORT).until(() -> !next.isDone() && !anotherSuspect.isDone());
        assertThat(isolation.sharedRunning()).isZero();

        alone.close();
        // one of the two goes first; the other follows when it ends
        await().atMost(SHORT).until(() -> next.isDone() || anotherSuspect.isDone());
        if (next.isDone()) {
            next.get().close();
        } else {
            anotherSuspect.get().close();
        }
        next.get(5, TimeUnit.SECONDS).close();
        assertThat(anotherSuspect.get(5, TimeUnit.SECONDS).alone()).isTrue();
        anotherSuspect.get().close();
        assertThat(isolation.sharedRunning()).isZero();
        assertThat(isolation.soloTurnTaken()).isFalse();
    }

    @Test
    void aSuspectThatStopsWaitingGivesTheSoloTurnBack() throws Exception {
        WorkerIsolation.Pass running = isolation.enter(false, PLAIN);
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        // as a lost lock or a stopping worker ends the wait
        WorkerIsolation.Waiting stopping = change -> {
            stopped.complete(null);
            throw new InterruptedException("stopped while waiting to run alone");
        };

        Future<WorkerIsolation.Pass> suspect = slots.submit(() -> isolation.enter(true, stopping));

        assertThat(suspect).failsWithin(SHORT).withThrowableOfType(ExecutionException.class);
        assertThat(stopped).isDone();
        assertThat(isolation.soloTurnTaken()).isFalse();
        // and a task that comes next is not held up by it
        try (WorkerIsolation.Pass next = isolation.enter(false, PLAIN)) {
            assertThat(next.alone()).isFalse();
        }
        running.close();
    }

    @Test
    void onAOneSlotWorkerARunIsAloneUnlessAnEarlierHandlerStillRuns() throws Exception {
        WorkerIsolation single = new WorkerIsolation(1);

        try (WorkerIsolation.Pass pass = single.enter(false, PLAIN)) {
            assertThat(pass.alone()).isTrue();
        }
        WorkerIsolation.Pass lingering = single.enter(false, PLAIN);
        try (WorkerIsolation.Pass pass = single.enter(false, PLAIN)) {
            assertThat(pass.alone())
                    .as("an earlier handler, stopped by its deadline, still runs")
                    .isFalse();
        }
        lingering.close();
        try (WorkerIsolation.Pass pass = single.enter(true, PLAIN)) {
            assertThat(pass.alone()).isTrue();
        }
    }

    @Test
    void aSlotLooksForWorkOnlyOnceNoSuspectHoldsTheSoloTurn() throws Exception {
        assertThat(isolation.awaitNoSoloTurn(10)).isTrue();
        WorkerIsolation.Pass alone = isolation.enter(true, PLAIN);

        assertThat(isolation.awaitNoSoloTurn(50)).isFalse();
        Future<Boolean> looking = slots.submit(() -> isolation.awaitNoSoloTurn(5_000));
        alone.close();

        assertThat(looking.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anErrorWhileASuspectWaitsGivesTheSoloTurnBack() throws Exception {
        WorkerIsolation.Pass running = isolation.enter(false, PLAIN);
        WorkerIsolation.Waiting failing = change -> {
            throw new OutOfMemoryError("while waiting to run alone");
        };

        Future<WorkerIsolation.Pass> suspect = slots.submit(() -> isolation.enter(true, failing));

        assertThat(suspect).failsWithin(SHORT).withThrowableOfType(ExecutionException.class);
        assertThat(isolation.soloTurnTaken()).isFalse();
        running.close();
    }

    @Test
    void closingAPassTwiceLeavesOnce() throws Exception {
        WorkerIsolation.Pass first = isolation.enter(false, PLAIN);
        WorkerIsolation.Pass second = isolation.enter(false, PLAIN);

        first.close();
        first.close();

        assertThat(isolation.sharedRunning()).isEqualTo(1);
        second.close();
    }
}
