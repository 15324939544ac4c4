package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.fleet.FleetView;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** What happens to a tenant's tasks when forwarding them to {@code dsp.dispatch} fails. */
@DispatcherIntegrationTest
class FailedForwardIT {

    private static final ConfigResource DISPATCH =
            new ConfigResource(ConfigResource.Type.TOPIC, Topics.DISPATCH.name());

    @Autowired
    FleetView view;

    FleetDriver fleet;

    @BeforeEach
    void startWithAQuietFleet() {
        fleet = new FleetDriver(view);
        fleet.awaitQuietFleet();
    }

    @AfterEach
    void leaveAQuietFleet() throws Exception {
        try {
            dispatchAcceptsRecords();
        } finally {
            fleet.close();
        }
    }

    @Test
    void releasesAPausedTenantsBacklogAgainOnceForwardingRecoversFromAFailure() throws Exception {
        // given a tenant whose backlog is above max-buffered-per-tenant (100), read ahead and paused
        String license = FleetDriver.newLicense("paused");
        List<String> ids = fleet.submit(license, 120);
        fleet.awaitDispatcherReads(license);
        await().during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).isEmpty());

        // and dsp.dispatch refusing every record
        dispatchRefusesRecords();

        // when a worker joins, the dispatcher's forward of the batch fails
        fleet.announceWorker(500);
        await("a release attempt")
                .atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(fleet.events(ids))
                        .extracting(TaskEvent::getType)
                        .contains(TaskEventType.DISPATCHED));
        await("the failed forward to settle")
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).isEmpty());

        // and then dsp.dispatch accepts records again
        dispatchAcceptsRecords();

        // then the whole backlog is released after all
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).containsAll(ids));
    }

    private static void dispatchRefusesRecords() throws Exception {
        alterDispatch(new AlterConfigOp(
                new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1"), AlterConfigOp.OpType.SET));
    }

    private static void dispatchAcceptsRecords() throws Exception {
        alterDispatch(new AlterConfigOp(
                new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, ""), AlterConfigOp.OpType.DELETE));
    }

    private static void alterDispatch(AlterConfigOp op) throws Exception {
        KafkaTestBroker.get()
                .admin()
                .incrementalAlterConfigs(Map.of(DISPATCH, List.of(op)))
                .all()
                .get(10, TimeUnit.SECONDS);
    }
}
