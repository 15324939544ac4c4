package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.dispatcher.support.QuietFleetTest;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.TopicTail;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dispatcher tells everyone else what waits per license: count, oldest wait and the order of release. */
@DispatcherIntegrationTest
class QueueFactsIT extends QuietFleetTest {

    TopicTail<String, QueueFacts> facts;

    @BeforeEach
    void startTheExtras() {
        facts = TopicTail.fromEnd(Topics.QUEUE_FACTS);
    }

    @AfterEach
    void stopTheExtras() throws Exception {
        facts.close();
    }

    @Test
    void waitingTasksArePublishedInReleaseOrderAndShrinkAsTheFleetTakesThem() {
        // given five tasks waiting while no worker is online
        String license = FleetDriver.newLicense("facts");
        List<String> ids = fleet.submit(license, 5);

        // then the facts list all five in order, with the oldest wait
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(latest(license)).hasValueSatisfying(f -> {
                    assertThat(f.getWaiting()).isEqualTo(5);
                    assertThat(f.getInFlight()).isZero();
                    assertThat(f.getNextRequestIds()).containsExactlyElementsOf(ids);
                    assertThat(f.getOldestWaitingSince()).isNotNull();
                }));

        // when a worker with two slots joins (window = 2 slots + 1 prefetch)
        fleet.announceWorker(2);

        // then three are in flight and the last two wait, still in order
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(latest(license)).hasValueSatisfying(f -> {
                    assertThat(f.getWaiting()).isEqualTo(2);
                    assertThat(f.getInFlight()).isEqualTo(3);
                    assertThat(f.getNextRequestIds()).containsExactlyElementsOf(ids.subList(3, 5));
                }));
    }

    private Optional<QueueFacts> latest(String license) {
        return facts.values().stream()
                .filter(f -> f.getLicenseKey().equals(license))
                .reduce((a, b) -> b);
    }
}
