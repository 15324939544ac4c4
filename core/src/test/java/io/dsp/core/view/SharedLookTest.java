package io.dsp.core.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedLookTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ExecutorService lookThread = Executors.newSingleThreadExecutor();
    private final ExecutorService callers = Executors.newCachedThreadPool();

    /** Each look answers with its own number; a look waits for its gate when one is set. */
    private final AtomicInteger looks = new AtomicInteger();

    private final List<CountDownLatch> gates = new ArrayList<>();

    /** The time each look was allowed, in the order the looks started. */
    private final List<Duration> allowed = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void stopThreads() {
        lookThread.shutdownNow();
        callers.shutdownNow();
    }

    private SharedLook<Integer> gatedLook() {
        return new SharedLook<>(
                timeout -> {
                    allowed.add(timeout);
                    int number = looks.incrementAndGet();
                    CountDownLatch gate;
                    synchronized (gates) {
                        gate = gates.size() >= number ? gates.get(number - 1) : null;
                    }
                    // a gated look waits for its gate whatever time it was allowed: the test decides when it ends
                    if (gate != null && !gate.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new TimeoutException("gate of look " + number + " stayed shut");
                    }
                    return number;
                },
                lookThread);
    }

    private CountDownLatch gate() {
        CountDownLatch gate = new CountDownLatch(1);
        synchronized (gates) {
            gates.add(gate);
        }
        return gate;
    }

    private CompletableFuture<Integer> ask(SharedLook<Integer> shared, Duration timeout) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return shared.get(timeout);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                callers);
    }

    @Test
    void callersThatAskWhileALookIsUnderWayShareTheNextLook() throws Exception {
        SharedLook<Integer> shared = gatedLook();
        CountDownLatch first = gate();
        CountDownLatch second = gate();
        CompletableFuture<Integer> opener = ask(shared, WAIT);
        await().until(() -> looks.get() == 1);

        List<CompletableFuture<Integer>> burst = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            burst.add(ask(shared, WAIT));
        }
        await().until(() -> shared.gathered() == 6);
        first.countDown();
        second.countDown();

        assertThat(opener.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        for (CompletableFuture<Integer> caller : burst) {
            assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        }
        assertThat(looks).hasValue(2);
    }

    @Test
    void aCallerNeverGetsALookThatStartedBeforeItAsked() throws Exception {
        SharedLook<Integer> shared = gatedLook();
        CountDownLatch first = gate();
        CompletableFuture<Integer> early = ask(shared, WAIT);
        await().until(() -> looks.get() == 1);
        CompletableFuture<Integer> late = ask(shared, WAIT);
        await().until(() -> shared.gathered() == 1);

        first.countDown();

        assertThat(early.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(late.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void aCallerAloneGetsALookOfItsOwnAtOnce() throws Exception {
        SharedLook<Integer> shared = gatedLook();

        assertThat(shared.get(WAIT)).isEqualTo(1);
        assertThat(shared.get(WAIT)).isEqualTo(2);
        assertThat(shared.gathered()).isZero();
    }

    @Test
    void aFailedLookFailsItsRoundAndTheNextCallerLooksAfresh() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SharedLook<Integer> shared = new SharedLook<>(
                timeout -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("broker gone");
                    }
                    return calls.get();
                },
                lookThread);

        assertThatThrownBy(() -> shared.get(WAIT))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("broker gone");
        assertThat(shared.get(WAIT)).isEqualTo(2);
    }

    @Test
    void aCallersOwnTimeoutBoundsItsWaitWhileTheLookHangs() throws Exception {
        SharedLook<Integer> shared = gatedLook();
        CountDownLatch hanging = gate();

        assertThatThrownBy(() -> shared.get(Duration.ofMillis(50))).isInstanceOf(TimeoutException.class);

        // the caller gave up; the look goes on, for whoever else waits, until it ends
        assertThat(looks).hasValue(1);
        CompletableFuture<Integer> patient = ask(shared, WAIT);
        await().until(() -> shared.gathered() == 1);
        hanging.countDown();
        assertThat(patient.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void aLookMayTakeAsLongAsTheMostPatientCallerOfItsRoundAllows() throws Exception {
        SharedLook<Integer> shared = gatedLook();
        CountDownLatch first = gate();
        CompletableFuture<Integer> opener = ask(shared, WAIT);
        await().until(() -> looks.get() == 1);

        // a hurried caller opens the next round, a patient one joins it
        CompletableFuture<Integer> hurried = ask(shared, Duration.ofMillis(300));
        await().until(() -> shared.gathered() == 1);
        CompletableFuture<Integer> patient = ask(shared, WAIT);
        await().until(() -> shared.gathered() == 2);
        first.countDown();

        assertThat(patient.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(allowed.get(1)).isGreaterThan(Duration.ofSeconds(5));
        opener.get(10, TimeUnit.SECONDS);
        hurried.handle((value, error) -> value).get(10, TimeUnit.SECONDS);
    }

    @Test
    void abortingFailsEveryWaitingCallerAtOnce() throws Exception {
        SharedLook<Integer> shared = gatedLook();
        CountDownLatch hanging = gate();
        CompletableFuture<Integer> underWay = ask(shared, WAIT);
        await().until(() -> looks.get() == 1);
        CompletableFuture<Integer> next = ask(shared, WAIT);
        await().until(() -> shared.gathered() == 1);

        shared.abort(new TimeoutException("view stopped"));

        assertThat(underWay)
                .failsWithin(Duration.ofSeconds(1))
                .withThrowableThat()
                .withMessageContaining("view stopped");
        assertThat(next).failsWithin(Duration.ofSeconds(1)).withThrowableThat().withMessageContaining("view stopped");
        hanging.countDown();
    }

    @Test
    void aStoppedExecutorFailsTheCallerAtOnceAndLeavesNothingBusy() throws Exception {
        AtomicInteger rejected = new AtomicInteger();
        SharedLook<Integer> shared = new SharedLook<>(timeout -> 7, task -> {
            if (rejected.getAndIncrement() == 0) {
                throw new RejectedExecutionException("stopped");
            }
            task.run();
        });

        assertThatThrownBy(() -> shared.get(WAIT))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("stopped");
        assertThat(shared.get(WAIT)).isEqualTo(7);
    }
}
