package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.dispatcher.support.QuietFleetTest;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.TopicTail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One tenant's flood never makes another tenant wait behind it. */
@DispatcherIntegrationTest
class FloodFairnessIT extends QuietFleetTest {

    /** How long the simulated fleet takes per task, at most: finishing happens on this beat. */
    static final Duration TASK_BEAT = Duration.ofMillis(250);

    ScheduledExecutorService gpus;
    TopicTail<String, QueueFacts> facts;

    @BeforeEach
    void startTheExtras() {
        gpus = Executors.newSingleThreadScheduledExecutor();
        facts = TopicTail.fromEnd(Topics.QUEUE_FACTS);
    }

    @AfterEach
    void stopTheExtras() throws Exception {
        gpus.shutdownNow();
        gpus.awaitTermination(10, TimeUnit.SECONDS);
        facts.close();
    }

    @Test
    void aSmallTenantsTasksStartAmongTheNextReleasesWhileAnotherTenantFloods() {
        // given tenant A floods 2,000 tasks onto a 3-slot fleet that finishes each task within a beat
        String flooder = FleetDriver.newLicense("flood");
        String small = FleetDriver.newLicense("small");
        List<String> flood = fleet.submit(flooder, 2000);
        KafkaTestBroker.get().ensureTenantTopic(small);
        fleet.awaitDispatcherReads(flooder, small);
        List<String> all = new ArrayList<>(flood);
        fleet.announceWorker(3);
        AtomicBoolean floodFinishing = new AtomicBoolean(true);
        gpus.scheduleWithFixedDelay(
                () -> {
                    if (floodFinishing.get()) {
                        fleet.finishReleased(flood);
                    }
                },
                0,
                TASK_BEAT.toMillis(),
                TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> fleet.dispatched(flood).size() >= 10);
        // The GPUs hold A's running tasks while B submits, so no slot frees and no release of A's can race B's
        // submission: what follows measures the release order, not how fast B's records reached the dispatcher.
        floodFinishing.set(false);
        int floodReleasedBefore = releasesSettle(flood);

        // when B submits 10 tasks, and the dispatcher has read them
        long submittedAt = System.nanoTime();
        List<String> mine = fleet.submit(small, 10);
        all.addAll(mine);
        await("the dispatcher lists B's first task as waiting")
                .atMost(Duration.ofSeconds(30))
                .until(() -> facts.values().stream()
                        .anyMatch(f -> f.getLicenseKey().equals(small)
                                && f.getNextRequestIds().contains(mine.get(0))));
        assertThat(fleet.dispatched(flood)).hasSize(floodReleasedBefore);
        floodFinishing.set(true);
        gpus.scheduleWithFixedDelay(() -> fleet.finishReleased(mine), 0, TASK_BEAT.toMillis(), TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !fleet.dispatched(mine).isEmpty());
        long firstStartMillis = (System.nanoTime() - submittedAt) / 1_000_000;
        await().atMost(Duration.ofSeconds(60))
                .until(() -> fleet.dispatched(mine).size() == mine.size());
        long allStartedMillis = (System.nanoTime() - submittedAt) / 1_000_000;

        // then B's first task was among the next few releases, and B's tasks alternated with A's
        List<String> order = fleet.dispatched(all);
        Set<String> mineSet = Set.copyOf(mine);
        int firstMine = indexOfFirst(order, mineSet);
        int lastMine = indexOfLast(order, mineSet);
        int floodBeforeFirstMine = firstMine - floodReleasedBefore;
        int floodAmongMine = lastMine + 1 - firstMine - mine.size();
        System.out.printf(
                "flood fairness: B's first task released %d ms after submission (task beat %d ms) behind %d more of A's;"
                        + " all 10 within %d ms, with %d of A's interleaved%n",
                firstStartMillis, TASK_BEAT.toMillis(), floodBeforeFirstMine, allStartedMillis, floodAmongMine);
        // At most the tasks released to the slots that free first and the prefetch go before B's first.
        assertThat(floodBeforeFirstMine).isLessThanOrEqualTo(4);
        // Round-robin: about one of A's per one of B's.
        assertThat(floodAmongMine).isLessThanOrEqualTo(mine.size() + 3);
    }

    /** Waits until no more of these tasks are released (the fleet's window is full); returns how many were. */
    private int releasesSettle(List<String> tasks) {
        AtomicInteger last = new AtomicInteger(-1);
        await("releases of A's tasks stop while the fleet is full")
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(30))
                .until(() -> {
                    int now = fleet.dispatched(tasks).size();
                    return last.getAndSet(now) == now;
                });
        return fleet.dispatched(tasks).size();
    }

    private static int indexOfFirst(List<String> order, Set<String> wanted) {
        for (int i = 0; i < order.size(); i++) {
            if (wanted.contains(order.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfLast(List<String> order, Set<String> wanted) {
        for (int i = order.size() - 1; i >= 0; i--) {
            if (wanted.contains(order.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
