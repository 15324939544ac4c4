package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.dispatcher.support.QuietFleetTest;
import io.dsp.schemas.avro.TaskEventType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A license with its own in-flight cap never has more tasks running, however much room the fleet has. */
@DispatcherIntegrationTest // which caps the license CAPPED at 2, for this test
class TenantCapIT extends QuietFleetTest {

    static final String CAPPED = "capped-tenant-it";

    @Test
    void aCappedLicenseGetsNoMoreThanItsCapInFlightWhileOthersUseTheRestOfTheFleet() {
        // given a roomy fleet, a capped license and an uncapped one, each with ten waiting tasks
        List<String> capped = fleet.submit(CAPPED, 10);
        String other = FleetDriver.newLicense("uncapped");
        List<String> free = fleet.submit(other, 10);
        fleet.announceWorker(50);

        // then the uncapped license gets all ten released, the capped one only two
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(fleet.dispatched(free)).hasSize(10));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(fleet.dispatched(capped)).hasSize(2));

        // when one of its tasks finishes, exactly one more is released
        fleet.finish(fleet.dispatched(capped).subList(0, 1), TaskEventType.SUCCEEDED);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(fleet.dispatched(capped)).hasSize(3));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(fleet.dispatched(capped)).hasSize(3));
    }
}
