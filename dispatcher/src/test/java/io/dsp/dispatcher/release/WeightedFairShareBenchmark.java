package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.dispatcher.fleet.FleetView;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The wait of a small tenant's tasks while another tenant floods 10,000 tasks, with equal weights and with the small
 * tenant weighted up: a real dispatcher on the test broker, a simulated 3-slot fleet that finishes each released task
 * on a 50 ms beat, the flood written in full before the small tenant submits {@value #SMALL_TASKS} tasks at once. Each
 * scenario runs its own dispatcher (the weights are start-up settings) and fresh licenses; the flood's topic is deleted
 * afterwards so the next scenario sees only its own tenants.
 *
 * <p>Not part of the build (its name matches neither {@code *Test} nor {@code *IT}); run it with
 *
 * <pre>
 * ./mvnw -pl dispatcher verify -Dit.test=WeightedFairShareBenchmark -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.flood=10000 -Dbench.weight=4]
 * </pre>
 *
 * The report goes to stdout and {@code dispatcher/target/weighted-fair-share.txt}.
 */
@Tag("benchmark")
class WeightedFairShareBenchmark {

    private static final int SMALL_TASKS = 20;
    private static final int SLOTS = 3;
    private static final Duration BEAT = Duration.ofMillis(50);

    private final int flood = Integer.getInteger("bench.flood", 10_000);
    private final int weight = Integer.getInteger("bench.weight", 4);

    @Test
    void measuresTheSmallTenantsWaitWhileAnotherFloods() throws Exception {
        StringBuilder report = new StringBuilder(String.format(
                Locale.ROOT,
                "small tenant (%d tasks submitted at once) while another tenant floods %,d tasks; %d slots, tasks"
                        + " finished on a %d ms beat, prefetch 1, %d CPUs%n",
                SMALL_TASKS,
                flood,
                SLOTS,
                BEAT.toMillis(),
                Runtime.getRuntime().availableProcessors()));
        for (int smallWeight : List.of(1, weight)) {
            Result r = scenario(smallWeight);
            report.append(String.format(
                    Locale.ROOT,
                    "small weight %d: its tasks were releases #%d (first), #%d (median) and #%d (last) after its"
                            + " submission, %d flood tasks in between; in time: first after %d ms, median %d ms, last"
                            + " %d ms%n",
                    smallWeight,
                    r.releasesUntil().get(0),
                    r.releasesUntil().get(r.releasesUntil().size() / 2),
                    r.releasesUntil().get(r.releasesUntil().size() - 1),
                    r.floodBetween(),
                    r.waits().get(0),
                    r.waits().get(r.waits().size() / 2),
                    r.waits().get(r.waits().size() - 1)));
        }
        System.out.print(report);
        Files.writeString(Path.of("target", "weighted-fair-share.txt"), report);
    }

    private Result scenario(int smallWeight) throws Exception {
        String flooder = FleetDriver.newLicense("bench-flood");
        String small = FleetDriver.newLicense("bench-small");
        Map<String, Object> properties = new HashMap<>();
        properties.put("dsp.dispatcher.tenant-weights[0].license-key", small);
        properties.put("dsp.dispatcher.tenant-weights[0].weight", smallWeight);
        properties.put("logging.level.io.dsp", "WARN");
        ConfigurableApplicationContext dispatcher = Services.start(DispatcherApplication.builder(), properties);
        ScheduledExecutorService gpus = Executors.newSingleThreadScheduledExecutor();
        try {
            FleetDriver fleet = new FleetDriver(dispatcher.getBean(FleetView.class));
            fleet.awaitQuietFleet();
            List<String> floodIds = fleet.submit(flooder, flood);
            KafkaTestBroker.get().ensureTenantTopic(small);
            fleet.awaitDispatcherReads(flooder, small);
            List<String> all = new CopyOnWriteArrayList<>(floodIds);
            gpus.scheduleWithFixedDelay(() -> fleet.finishReleased(all), 0, BEAT.toMillis(), TimeUnit.MILLISECONDS);
            fleet.announceWorker(SLOTS);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> fleet.dispatched(floodIds).size() >= 50);

            int floodBefore = fleet.dispatched(floodIds).size();
            long submittedAt = System.nanoTime();
            List<String> mine = fleet.submit(small, SMALL_TASKS);
            all.addAll(mine);
            Map<String, Long> releasedAfter = new ConcurrentHashMap<>();
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(5))
                    .untilAsserted(() -> {
                        long now = (System.nanoTime() - submittedAt) / 1_000_000;
                        fleet.dispatched(mine).forEach(id -> releasedAfter.putIfAbsent(id, now));
                        assertThat(releasedAfter).hasSize(mine.size());
                    });
            int floodBetween = fleet.dispatched(floodIds).size() - floodBefore;
            List<Long> waits = releasedAfter.values().stream().sorted().toList();
            // the wait in releases: how many releases (any tenant) after the submission up to each small task's own
            List<String> order = fleet.dispatched(all);
            java.util.Set<String> mineSet = java.util.Set.copyOf(mine);
            List<Integer> releasesUntil = new java.util.ArrayList<>();
            for (int i = floodBefore; i < order.size(); i++) {
                if (mineSet.contains(order.get(i))) {
                    releasesUntil.add(i - floodBefore + 1);
                }
            }

            gpus.shutdownNow();
            gpus.awaitTermination(10, TimeUnit.SECONDS);
            // what remains of the flood must not reach the next scenario
            KafkaTestBroker.get()
                    .admin()
                    .deleteTopics(List.of(TenantTopics.topicName(flooder)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            fleet.forget(floodIds);
            fleet.finishReleased(all);
            fleet.close();
            return new Result(waits, releasesUntil, floodBetween);
        } finally {
            gpus.shutdownNow();
            dispatcher.close();
        }
    }

    private record Result(List<Long> waits, List<Integer> releasesUntil, int floodBetween) {}
}
