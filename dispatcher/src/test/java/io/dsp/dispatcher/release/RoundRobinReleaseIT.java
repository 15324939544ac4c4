package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.dispatcher.support.QuietFleetTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fairness against a real broker: a tenant with a long backlog does not hold back a tenant with a short one. */
@DispatcherIntegrationTest
class RoundRobinReleaseIT extends QuietFleetTest {

    @Test
    void releasesASmallTenantsTasksAmongTheFirstDespiteABigTenantsBacklog() {
        // given a tenant with a backlog of 20 that arrived first, and one with 2, both read by the dispatcher
        String big = FleetDriver.newLicense("big");
        String small = FleetDriver.newLicense("small");
        List<String> bigIds = fleet.submit(big, 20);
        List<String> smallIds = fleet.submit(small, 2);
        List<String> all = new ArrayList<>(bigIds);
        all.addAll(smallIds);
        fleet.awaitDispatcherReads(big, small);
        await().during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(fleet.dispatched(all)).isEmpty());

        // when a one-slot worker joins (window 1 + prefetch 1 = 2)
        fleet.announceWorker(1);

        // then the first two released are one task of each tenant
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(fleet.dispatched(all)).hasSize(2));
        assertThat(fleet.dispatched(all)).containsExactlyInAnyOrder(bigIds.get(0), smallIds.get(0));

        // when released tasks keep finishing
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            fleet.finishReleased(all);
            assertThat(fleet.dispatched(all)).hasSizeGreaterThanOrEqualTo(6);
        });

        // then both small-tenant tasks were among the first four, and each tenant kept its own order
        List<String> released = fleet.dispatched(all);
        assertThat(released.subList(0, 4)).containsAll(smallIds);
        assertThat(released.stream().filter(bigIds::contains).toList())
                .containsExactlyElementsOf(bigIds.subList(
                        0, (int) released.stream().filter(bigIds::contains).count()));
    }
}
