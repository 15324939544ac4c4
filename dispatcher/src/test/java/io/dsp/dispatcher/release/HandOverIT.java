package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.dispatcher.support.QuietFleetTest;
import io.dsp.testkit.Services;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Several dispatcher instances share the tenants; instances joining and leaving mid-stream release nothing twice. */
@DispatcherIntegrationTest
class HandOverIT extends QuietFleetTest {

    @Test
    void everyTaskIsReleasedExactlyOnceWhileASecondInstanceJoinsAndThenLeaves() {
        // given a fleet with room for everything and tasks flowing for several tenants
        fleet.announceWorker(10_000);
        List<String> licenses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            licenses.add(FleetDriver.newLicense("handover" + i));
        }
        List<String> ids = new ArrayList<>();
        licenses.forEach(l -> ids.addAll(fleet.submit(l, 20)));

        // when a second instance joins the group (a rebalance moves tenants to it) while more tasks arrive
        ConfigurableApplicationContext second = startSecondDispatcher();
        licenses.forEach(l -> ids.addAll(fleet.submit(l, 20)));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSizeGreaterThanOrEqualTo(ids.size() / 2));

        // and it leaves mid-stream (its tenants move back), with yet more tasks arriving
        licenses.forEach(l -> ids.addAll(fleet.submit(l, 20)));
        second.close();
        licenses.forEach(l -> ids.addAll(fleet.submit(l, 20)));

        // then every task reached the fleet, and none twice
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> assertThat(Set.copyOf(fleet.dispatched(ids))).containsAll(ids));
        Map<String, Long> copies = fleet.dispatched(ids).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(copies)
                .hasSize(ids.size())
                .allSatisfy(
                        (id, count) -> assertThat(count).as("copies of %s", id).isEqualTo(1L));
    }

    private static ConfigurableApplicationContext startSecondDispatcher() {
        return Services.start(DispatcherApplication.builder(), Map.of());
    }
}
