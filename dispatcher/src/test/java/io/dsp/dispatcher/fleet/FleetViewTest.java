package io.dsp.dispatcher.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.dsp.dispatcher.support.TestTasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.topic.Lane;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class FleetViewTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration BEAT = Duration.ofSeconds(5);
    private static final Duration EXPIRY = Duration.ofHours(2);
    private static final Duration RECONCILE = Duration.ofSeconds(50);

    private final FleetView view = new FleetView(1, EXPIRY);

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5, 100})
    void windowIsZeroWhileNoWorkerIsOnlineWhateverThePrefetch(int prefetch) {
        FleetView fleet = new FleetView(prefetch, EXPIRY);

        assertThat(fleet.liveSlots(NOW)).isZero();
        assertThat(fleet.window(NOW)).isZero();
    }

    @Test
    void windowIsZeroWhileTheOnlyLiveWorkerHasNoSlots() {
        view.presence("w1", live("w1", 0));

        assertThat(view.window(NOW)).isZero();
    }

    @Test
    void windowIsTheLiveSlotsPlusPrefetchMinusTasksInFlight() {
        // given
        FleetView fleet = new FleetView(2, EXPIRY);
        fleet.presence("w1", live("w1", 2));
        fleet.presence("w2", live("w2", 3));

        // when
        fleet.released("r1", "LIC", NOW);
        fleet.released("r2", "LIC", NOW);

        // then
        assertThat(fleet.liveSlots(NOW)).isEqualTo(5);
        assertThat(fleet.inFlight(NOW)).isEqualTo(2);
        assertThat(fleet.window(NOW)).isEqualTo(5 + 2 - 2);
    }

    @Test
    void everySlotIsServedOnceItHasATaskReleasedWhateverRoomThePrefetchStillHas() {
        FleetView fleet = new FleetView(2, EXPIRY);
        assertThat(fleet.everySlotServed(NOW)).as("no worker: no slot to serve").isFalse();
        fleet.presence("w1", live("w1", 2));

        fleet.released("r1", "LIC", NOW);
        assertThat(fleet.everySlotServed(NOW)).isFalse();

        fleet.released("r2", "LIC", NOW);
        assertThat(fleet.everySlotServed(NOW)).isTrue();
        assertThat(fleet.window(NOW)).as("the prefetch still has room").isEqualTo(2);
    }

    @Test
    void zeroPrefetchReleasesOnlyIntoFreeSlots() {
        FleetView fleet = new FleetView(0, EXPIRY);
        fleet.presence("w1", live("w1", 3));
        fleet.released("r1", "LIC", NOW);

        assertThat(fleet.window(NOW)).isEqualTo(2);
    }

    @Test
    void windowNeverGoesBelowZeroWhenMoreIsInFlightThanTheFleetHolds() {
        view.presence("w1", live("w1", 1));
        for (int i = 0; i < 5; i++) {
            view.released("r" + i, "LIC", NOW);
        }

        assertThat(view.inFlight(NOW)).isEqualTo(5);
        assertThat(view.window(NOW)).isZero();
    }

    @ParameterizedTest(name = "heartbeat {0} ms old, live: {1}")
    @CsvSource({"0, true", "14999, true", "15000, false", "15001, false", "600000, false"})
    void presenceCountsUntilThreeHeartbeatIntervalsHavePassed(long ageMillis, boolean live) {
        // given a worker beating every 5 s, last seen ageMillis ago
        view.presence("w1", presence("w1", 4, false, NOW.minusMillis(ageMillis)));

        // then
        assertThat(view.liveSlots(NOW)).isEqualTo(live ? 4 : 0);
        assertThat(view.window(NOW)).isEqualTo(live ? 5 : 0);
    }

    @Test
    void stalePresenceIsIgnoredWhileFreshPresenceCounts() {
        view.presence("crashed", presence("crashed", 8, false, NOW.minus(BEAT.multipliedBy(4))));
        view.presence("alive", live("alive", 2));

        assertThat(view.liveSlots(NOW)).isEqualTo(2);
        assertThat(view.window(NOW)).isEqualTo(3);
    }

    @Test
    void drainingWorkersAreIgnored() {
        view.presence("draining", presence("draining", 4, true, NOW));
        assertThat(view.window(NOW)).isZero();

        view.presence("serving", live("serving", 1));
        assertThat(view.liveSlots(NOW)).isEqualTo(1);
        assertThat(view.window(NOW)).isEqualTo(2);
    }

    @Test
    void aDrainingWorkersRunningTasksNeitherAddFreeSlotsNorShrinkTheOthersWindow() {
        // given a serving worker with 2 free slots, and a draining worker still running 3 of its 4 slots' tasks
        view.presence("serving", live("serving", 2));
        WorkerPresence draining = presence("draining", 4, true, NOW);
        draining.setInFlight(3);
        view.presence("draining", draining);
        view.released("d1", "LIC", NOW);
        view.released("d2", "LIC", NOW);
        view.released("d3", "LIC", NOW);

        // then the window is the serving worker's free slots plus the prefetch, nothing for the draining one
        assertThat(view.liveSlots(NOW)).isEqualTo(2);
        assertThat(view.window(NOW)).isEqualTo(2 + 1);

        // and once the draining worker reports empty and its tasks ended, the window stays the same
        draining.setInFlight(0);
        view.presence("draining", draining);
        for (String id : java.util.List.of("d1", "d2", "d3")) {
            view.event(TestTasks.event(id, TaskEventType.SUCCEEDED, NOW));
        }
        assertThat(view.window(NOW)).isEqualTo(2 + 1);
    }

    @Test
    void aCancelCountsOnlyForTheLicenseThatSentIt() {
        // given
        view.control(TestTasks.cancel("r1", "OWNER", NOW));
        view.control(TestTasks.cancel("r2", "INTRUDER", NOW));

        // then
        assertThat(view.cancelVerdict("r1", "OWNER")).isEqualTo(FleetView.CancelVerdict.CANCELLED);
        assertThat(view.cancelVerdict("r2", "OWNER")).isEqualTo(FleetView.CancelVerdict.FOREIGN_ONLY);
        assertThat(view.cancelVerdict("r3", "OWNER")).isEqualTo(FleetView.CancelVerdict.NONE);

        // and the owner's own cancel after a foreign one still counts
        view.control(TestTasks.cancel("r2", "OWNER", NOW));
        assertThat(view.cancelVerdict("r2", "OWNER")).isEqualTo(FleetView.CancelVerdict.CANCELLED);
    }

    @Test
    void aCancelIsKeptPastTheInFlightExpiryUntilItsTaskIsReached() {
        // given a cancel of a task that waits all night with no GPU online
        view.control(TestTasks.cancel("r1", "OWNER", NOW));

        // when the expiry passes many times over
        Instant morning = NOW.plus(EXPIRY.multipliedBy(6));
        view.inFlight(morning);
        view.window(morning);

        // then the cancel still counts, until the release loop reaches the task
        assertThat(view.cancelVerdict("r1", "OWNER")).isEqualTo(FleetView.CancelVerdict.CANCELLED);
        view.reached("r1");
        assertThat(view.cancelVerdict("r1", "OWNER")).isEqualTo(FleetView.CancelVerdict.NONE);
        assertThat(view.hasCancel("r1")).isFalse();
    }

    @Test
    void aSkippedTaskLosesItsCancelAndCountsAsFinishedSoASecondCopyIsADuplicate() {
        view.control(TestTasks.cancel("r1", "OWNER", NOW));

        view.skipped("r1", NOW);

        assertThat(view.hasCancel("r1")).isFalse();
        assertThat(view.isKnown("r1")).isTrue();
        assertThat(view.inFlightOf("OWNER")).isZero();
    }

    @Test
    void beyondTheCountBoundTheOldestCancelIsDroppedFirst() {
        // given a view that keeps at most three cancels
        FleetView fleet = new FleetView(1, EXPIRY, 3);
        for (String id : java.util.List.of("r1", "r2", "r3")) {
            fleet.control(TestTasks.cancel(id, "OWNER", NOW));
        }

        // when a second license cancels a kept one, nothing is dropped; when a fourth task is cancelled, r1 is
        fleet.control(TestTasks.cancel("r2", "OTHER", NOW));
        assertThat(fleet.hasCancel("r1")).isTrue();
        fleet.control(TestTasks.cancel("r4", "OWNER", NOW));

        // then
        assertThat(fleet.cancelVerdict("r1", "OWNER")).isEqualTo(FleetView.CancelVerdict.NONE);
        for (String id : java.util.List.of("r2", "r3", "r4")) {
            assertThat(fleet.cancelVerdict(id, "OWNER")).as(id).isEqualTo(FleetView.CancelVerdict.CANCELLED);
        }
    }

    @Test
    void theDefaultCountBoundIsOneHundredThousandCancels() {
        for (int i = 0; i < FleetView.MAX_CANCELS + 1; i++) {
            view.control(TestTasks.cancel("r" + i, "OWNER", NOW));
        }

        assertThat(view.hasCancel("r0")).isFalse();
        assertThat(view.hasCancel("r1")).isTrue();
        assertThat(view.hasCancel("r" + FleetView.MAX_CANCELS)).isTrue();
    }

    @Test
    void latestPresenceOfAWorkerReplacesItsEarlierOne() {
        view.presence("w1", live("w1", 2));
        view.presence("w1", live("w1", 5));
        assertThat(view.liveSlots(NOW)).isEqualTo(5);

        view.presence("w1", presence("w1", 5, true, NOW));
        assertThat(view.liveSlots(NOW)).isZero();
    }

    @Test
    void tombstoneTakesTheWorkerOutOfTheFleet() {
        view.presence("w1", live("w1", 2));
        view.presence("w2", live("w2", 3));

        view.presence("w1", null);

        assertThat(view.liveSlots(NOW)).isEqualTo(3);
        view.presence("w2", null);
        assertThat(view.window(NOW)).isZero();
    }

    @ParameterizedTest
    @EnumSource(
            value = TaskEventType.class,
            names = {"SUCCEEDED", "FAILED", "DEAD_LETTERED", "CANCELLED"})
    void terminalEventFreesTheSlotOfAReleasedTask(TaskEventType terminal) {
        // given a full fleet
        view.presence("w1", live("w1", 1));
        view.released("r1", "LIC", NOW);
        view.released("r2", "LIC", NOW);
        assertThat(view.window(NOW)).isZero();

        // when
        view.event(TestTasks.event("r1", terminal, NOW.plusSeconds(1)));

        // then
        assertThat(view.inFlight(NOW)).isEqualTo(1);
        assertThat(view.window(NOW)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(
            value = TaskEventType.class,
            names = {"ACCEPTED", "QUEUED", "STARTED", "PROGRESS", "UNKNOWN"})
    void nonTerminalEventLeavesTheTaskInFlight(TaskEventType step) {
        view.presence("w1", live("w1", 1));
        view.released("r1", "LIC", NOW);

        view.event(TestTasks.event("r1", step, NOW.plusSeconds(1)));

        assertThat(view.inFlight(NOW)).isEqualTo(1);
        assertThat(view.window(NOW)).isEqualTo(1);
    }

    @Test
    void dispatchedEventCountsATaskInFlightOnceAlsoWhenThisInstanceReleasedIt() {
        view.released("r1", "LIC", NOW);

        // its own DISPATCHED event read back, and one written before a restart
        view.event(TestTasks.event("r1", TaskEventType.DISPATCHED, NOW));
        view.event(TestTasks.event("r2", TaskEventType.DISPATCHED, NOW.minusSeconds(60)));

        assertThat(view.inFlight(NOW)).isEqualTo(2);
    }

    @Test
    void terminalEventOfATaskNotInFlightChangesNothing() {
        view.released("r1", "LIC", NOW);

        view.event(TestTasks.event("other", TaskEventType.SUCCEEDED, NOW));

        assertThat(view.inFlight(NOW)).isEqualTo(1);
    }

    @Test
    void unreleasedTaskNoLongerCountsInFlight() {
        view.presence("w1", live("w1", 1));
        view.released("r1", "LIC", NOW);
        view.released("r2", "LIC", NOW);

        view.unreleased("r2");

        assertThat(view.inFlight(NOW)).isEqualTo(1);
        assertThat(view.window(NOW)).isEqualTo(1);
    }

    @Test
    void taskWithoutATerminalEventStopsCountingAfterTheInFlightExpiry() {
        // given a one-slot worker beating at every instant we look, and a task released at NOW
        view.released("lost", "LIC", NOW);
        Instant atExpiry = NOW.plus(EXPIRY);
        Instant justAfter = atExpiry.plusMillis(1);

        // then it counts up to the expiry itself, and not a millisecond longer
        view.presence("w1", presence("w1", 1, false, atExpiry));
        assertThat(view.inFlight(atExpiry)).isEqualTo(1);
        assertThat(view.window(atExpiry)).isEqualTo(1);
        view.presence("w1", presence("w1", 1, false, justAfter));
        assertThat(view.inFlight(justAfter)).isZero();
        assertThat(view.window(justAfter)).isEqualTo(2);
    }

    @Test
    void dispatchedEventOlderThanTheExpiryDoesNotCountInFlight() {
        view.event(TestTasks.event(
                "old", TaskEventType.DISPATCHED, NOW.minus(EXPIRY).minusSeconds(1)));
        view.event(TestTasks.event(
                "recent", TaskEventType.DISPATCHED, NOW.minus(EXPIRY).plusSeconds(1)));

        assertThat(view.inFlight(NOW)).isEqualTo(1);
    }

    @Test
    void terminalEventThatOvertakesItsDispatchedEventStillEndsTheTask() {
        // given a released task that a fast worker finished before the dispatcher's DISPATCHED event landed
        view.presence("w1", live("w1", 1));
        view.released("r1", "LIC", NOW);
        view.event(TestTasks.event("r1", TaskEventType.SUCCEEDED, NOW.plusMillis(5)));

        // when the late DISPATCHED event is read
        view.event(TestTasks.event("r1", TaskEventType.DISPATCHED, NOW));

        // then the task stays finished
        assertThat(view.inFlight(NOW.plusSeconds(1))).isZero();
        assertThat(view.window(NOW.plusSeconds(1))).isEqualTo(2);
    }

    @Test
    void aTaskNoLiveWorkerHoldsWhileSlotsStayFreeStopsCountingAfterTheReconcileTime() {
        // given: a 2-slot worker holding one task; another released task ended without an event seen here
        FleetView fleet = new FleetView(Lane.GPU, 0, EXPIRY, RECONCILE, FleetView.MAX_CANCELS);
        fleet.released("running", "LIC", NOW);
        fleet.released("archived", "LIC", NOW);

        // when the worker keeps saying it holds only "running", with a slot free all the time
        for (int s = 0; s <= RECONCILE.toSeconds() + 2; s++) {
            Instant t = NOW.plusSeconds(s);
            fleet.presence("w1", holding("w1", 2, t, "running"));
            fleet.inFlight(t);
        }

        // then the archived task no longer shuts the window; the held one still counts
        Instant after = NOW.plusSeconds(RECONCILE.toSeconds() + 2);
        assertThat(fleet.inFlight(after)).isEqualTo(1);
        assertThat(fleet.window(after)).isEqualTo(1);
        assertThat(fleet.forgotten()).isEqualTo(1);
    }

    @Test
    void aTaskReleasedHereThatVanishesAwaitsTheBrokersWordUntilALateEventOrItsRecordedEnd() {
        // given: three tasks released by this instance and placed in the dispatch topic; a 3-slot worker held all
        FleetView fleet = new FleetView(Lane.GPU, 0, EXPIRY, RECONCILE, FleetView.MAX_CANCELS);
        TopicPartition dispatch = new TopicPartition("dsp.dispatch", 0);
        for (String id : List.of("archived", "late", "running")) {
            fleet.released(TestTasks.deleteAsset(id, "LIC", 1), NOW);
            fleet.placed(id, dispatch, id.length());
        }
        fleet.presence("w1", holding("w1", 3, NOW, "archived", "late", "running"));
        fleet.inFlight(NOW);

        // when the worker says it holds only "running" from then on, with slots free all the time
        for (int s = 1; s <= RECONCILE.toSeconds() + 2; s++) {
            Instant t = NOW.plusSeconds(s);
            fleet.presence("w1", holding("w1", 3, t, "running"));
            fleet.inFlight(t);
        }

        // then the two unheld ones await the broker's word, with where they were and who held them last
        assertThat(fleet.vanished())
                .extracting(v -> v.task().getRequestId(), FleetView.Vanished::offset, FleetView.Vanished::lastHolder)
                .containsExactly(tuple("archived", 8L, "w1"), tuple("late", 4L, "w1"));
        // a late terminal event ends one; the other's end is recorded by the release loop
        fleet.event(TestTasks.event("late", TaskEventType.SUCCEEDED, NOW.plusSeconds(60)));
        assertThat(fleet.stillVanished("late")).isFalse();
        assertThat(fleet.stillVanished("archived")).isTrue();
        fleet.settled("archived", NOW.plusSeconds(61));
        assertThat(fleet.vanished()).isEmpty();
        assertThat(fleet.isKnown("archived"))
                .as("finished: a second copy is not released")
                .isTrue();
    }

    @Test
    void aVanishedTaskCarriesTheDeliveryAndWorkerOfItsLatestStartedAttempt() {
        FleetView fleet = new FleetView(Lane.GPU, 0, EXPIRY, RECONCILE, FleetView.MAX_CANCELS);
        fleet.released(TestTasks.deleteAsset("poison", "LIC", 1), NOW);
        fleet.placed("poison", new TopicPartition("dsp.dispatch", 0), 3);
        for (int delivery : List.of(4, 5)) {
            fleet.event(TaskEvent.newBuilder(TestTasks.event("poison", TaskEventType.STARTED, NOW))
                    .setWorkerId("gpu-" + delivery)
                    .setDeliveryCount(delivery)
                    .build());
        }

        // its worker died with it: no live worker holds it, while another has free slots
        for (int s = 0; s <= RECONCILE.toSeconds() + 2; s++) {
            Instant t = NOW.plusSeconds(s);
            fleet.presence("w1", holding("w1", 2, t));
            fleet.inFlight(t);
        }

        assertThat(fleet.vanished())
                .extracting(FleetView.Vanished::lastDelivery, FleetView.Vanished::lastHolder)
                .containsExactly(tuple(5, "gpu-5"));
        // held again after all (a broker that lost its share state delivered it again): it did not end
        Instant later = NOW.plusSeconds(RECONCILE.toSeconds() + 30);
        fleet.presence("w1", holding("w1", 2, later, "poison"));
        fleet.inFlight(later);
        assertThat(fleet.vanished()).isEmpty();
    }

    @Test
    void aVanishedTaskKnownOnlyFromItsDispatchedEventIsLeftToTheInstanceThatReleasedIt() {
        FleetView fleet = new FleetView(Lane.GPU, 0, EXPIRY, RECONCILE, FleetView.MAX_CANCELS);
        fleet.event(TestTasks.event("elsewhere", TaskEventType.DISPATCHED, NOW));
        for (int s = 0; s <= RECONCILE.toSeconds() + 2; s++) {
            Instant t = NOW.plusSeconds(s);
            fleet.presence("w1", holding("w1", 2, t));
            fleet.inFlight(t);
        }

        assertThat(fleet.forgotten()).isEqualTo(1);
        assertThat(fleet.vanished()).isEmpty();
    }

    @Test
    void anUnheldTaskKeepsCountingWhileTheFleetIsFullBecauseItMayBeWaitingInTheDispatchTopic() {
        FleetView fleet = new FleetView(Lane.GPU, 1, EXPIRY, RECONCILE, FleetView.MAX_CANCELS);
        fleet.released("running", "LIC", NOW);
        fleet.released("prefetched", "LIC", NOW);

        for (int s = 0; s <= RECONCILE.toSeconds() * 3; s++) {
            Instant t = NOW.plusSeconds(s);
            fleet.presence("w1", holding("w1", 1, t, "running"));
            fleet.inFlight(t);
        }

        assertThat(fleet.inFlight(NOW.plusSeconds(RECONCILE.toSeconds() * 3))).isEqualTo(2);
        assertThat(fleet.forgotten()).isZero();
    }

    @Test
    void anUnheldTaskKeepsCountingUntilSlotsHaveBeenFreeForTheWholeReconcileTime() {
        FleetView fleet = new FleetView(Lane.GPU, 0, EXPIRY, RECONCILE, FleetView.MAX_CANCELS);
        fleet.released("lost", "LIC", NOW);
        // full (another task held) until 40 s, then free
        for (int s = 0; s < 40; s++) {
            Instant t = NOW.plusSeconds(s);
            fleet.presence("w1", holding("w1", 1, t, "other"));
            fleet.inFlight(t);
        }
        for (int s = 40; s < 40 + RECONCILE.toSeconds(); s++) {
            Instant t = NOW.plusSeconds(s);
            fleet.presence("w1", holding("w1", 1, t));
            fleet.inFlight(t);
            assertThat(fleet.forgotten()).as("at %d s", s).isZero();
        }
        Instant t = NOW.plusSeconds(41 + RECONCILE.toSeconds());
        fleet.presence("w1", holding("w1", 1, t));

        assertThat(fleet.inFlight(t))
                .as("only 'other', which the view counted when it saw it held")
                .isZero();
        assertThat(fleet.forgotten()).isEqualTo(2);
    }

    @Test
    void aTaskALiveWorkerHoldsCountsEvenIfItsReleaseWasNeverSeen() {
        FleetView fleet = new FleetView(Lane.GPU, 0, EXPIRY, RECONCILE, FleetView.MAX_CANCELS);
        fleet.presence("w1", holding("w1", 2, NOW, "from-before-a-restart"));

        assertThat(fleet.inFlight(NOW)).isEqualTo(1);
        assertThat(fleet.window(NOW)).isEqualTo(1);
    }

    @Test
    void nothingIsReconciledWhileALiveWorkerDoesNotSayWhatItHolds() {
        FleetView fleet = new FleetView(Lane.GPU, 0, EXPIRY, RECONCILE, FleetView.MAX_CANCELS);
        fleet.released("unknown", "LIC", NOW);
        for (int s = 0; s <= RECONCILE.toSeconds() * 2; s++) {
            Instant t = NOW.plusSeconds(s);
            fleet.presence("v2", holding("v2", 2, t));
            fleet.presence("v1", presence("v1", 2, false, t)); // an older worker: held is null
            fleet.inFlight(t);
        }

        assertThat(fleet.inFlight(NOW.plusSeconds(RECONCILE.toSeconds() * 2))).isEqualTo(1);
    }

    private static WorkerPresence holding(String workerId, int slots, Instant at, String... held) {
        WorkerPresence p = presence(workerId, slots, false, at);
        p.setHeld(List.of(held));
        return p;
    }

    private static WorkerPresence live(String workerId, int slots) {
        return presence(workerId, slots, false, NOW);
    }

    private static WorkerPresence presence(String workerId, int slots, boolean draining, Instant heartbeatAt) {
        return TestTasks.presence(workerId, slots, draining, heartbeatAt, BEAT);
    }

    @Test
    void aPrefetchPerSlotKeepsOneTaskWaitingForEverySlotOfTheFleet() {
        FleetView fleet = new FleetView(Lane.GPU, 1, 1.0, EXPIRY, Duration.ZERO);
        fleet.presence("w1", live("w1", 3));
        fleet.presence("w2", live("w2", 3));

        // 6 free slots and 6 tasks waiting for them
        assertThat(fleet.window(NOW)).isEqualTo(12);
    }

    @Test
    void aPrefetchPerSlotNeverGoesBelowTheFixedPrefetch() {
        FleetView fleet = new FleetView(Lane.GPU, 2, 0.25, EXPIRY, Duration.ZERO);
        fleet.presence("w1", live("w1", 3));

        assertThat(fleet.window(NOW)).isEqualTo(3 + 2);
    }

    @Test
    void aWaitForRoomEndsWhenATaskEnds() throws Exception {
        FleetView fleet = new FleetView(Lane.GPU, 0, 0, EXPIRY, Duration.ZERO);
        fleet.presence("w1", live("w1", 1));
        fleet.released("r1", "LIC", NOW);
        java.util.concurrent.CompletableFuture<Long> waited = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                fleet.awaitRoom(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return System.nanoTime() - start;
        });

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            fleet.event(TestTasks.event("r1", TaskEventType.SUCCEEDED, NOW));
            assertThat(waited).isDone();
        });
        assertThat(fleet.window(NOW)).isEqualTo(1);
    }
}
