package io.dsp.assetapi.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReadModelTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-29T00:00:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, TaskEvent> events;
    private TestInputTopic<String, License> licenses;

    @BeforeEach
    void buildTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        ReadModelTopology.build(builder);
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "read-model-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(builder.build(), config);
        events = driver.createInputTopic(
                Topics.TASK_EVENTS.name(),
                Topics.TASK_EVENTS.keySerde().serializer(),
                Topics.TASK_EVENTS.valueSerde().serializer());
        licenses = driver.createInputTopic(
                Topics.LICENSES.name(),
                Topics.LICENSES.keySerde().serializer(),
                Topics.LICENSES.valueSerde().serializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void everyStepOfATaskIsKeptInArrivalOrder() {
        TaskRequested task = task("r1");

        events.pipeInput("r1", event(task, TaskEventType.ACCEPTED, 0));
        events.pipeInput("r1", event(task, TaskEventType.DISPATCHED, 1));
        events.pipeInput("r1", event(task, TaskEventType.SUCCEEDED, 2));

        TaskLife life = lives().get("r1");
        assertThat(life.getLicenseKey()).isEqualTo("LIC");
        assertThat(life.getEvents())
                .extracting(TaskEvent::getType)
                .containsExactly(TaskEventType.ACCEPTED, TaskEventType.DISPATCHED, TaskEventType.SUCCEEDED);
    }

    @Test
    void aRepublishedEventIsRecordedOnce() {
        TaskEvent accepted = event(task("r2"), TaskEventType.ACCEPTED, 0);

        events.pipeInput("r2", accepted);
        events.pipeInput("r2", accepted);

        assertThat(lives().get("r2").getEvents()).hasSize(1);
    }

    @Test
    void onlyTheLatestProgressEventsAreKeptButEveryOtherStepStays() {
        TaskRequested task = task("r3");
        events.pipeInput("r3", event(task, TaskEventType.STARTED, 0));
        for (int i = 1; i <= ReadModelTopology.MAX_PROGRESS_EVENTS + 5; i++) {
            events.pipeInput(
                    "r3",
                    TaskEvents.about(task, TaskEventType.PROGRESS, "gpu-consumer", T0.plusSeconds(i))
                            .setProgress(new TaskProgress("processing", i, null, 0, 0))
                            .build());
        }

        TaskLife life = lives().get("r3");
        assertThat(life.getEvents()).hasSize(ReadModelTopology.MAX_PROGRESS_EVENTS + 1);
        assertThat(life.getEvents().get(0).getType()).isEqualTo(TaskEventType.STARTED);
        assertThat(life.getEvents().get(1).getProgress().getPercent()).isEqualTo(6);
    }

    @Test
    void theInFlightIndexHoldsUnfinishedTasksPerLicenseAndType() {
        TaskRequested first = task("f1");
        TaskRequested second = task("f2");
        events.pipeInput("f1", event(first, TaskEventType.ACCEPTED, 0));
        events.pipeInput("f1", event(first, TaskEventType.STARTED, 1));
        events.pipeInput("f2", event(second, TaskEventType.ACCEPTED, 2));

        KeyValueStore<String, java.util.List<String>> index =
                driver.getKeyValueStore(ReadModelTopology.IN_FLIGHT_STORE);
        String key = ReadModelTopology.inFlightKey("LIC", "delete_asset");
        assertThat(index.get(key))
                .containsExactly(
                        "f1@" + T0.toEpochMilli(), "f2@" + T0.plusSeconds(2).toEpochMilli());

        events.pipeInput("f1", event(first, TaskEventType.SUCCEEDED, 3));
        assertThat(index.get(key)).containsExactly("f2@" + T0.plusSeconds(2).toEpochMilli());

        // A task that never ended leaves the index past the horizon.
        TaskRequested late = task("f3");
        events.pipeInput(
                "f3", event(late, TaskEventType.ACCEPTED, (int) ReadModelTopology.IN_FLIGHT_HORIZON.toSeconds() + 10));
        assertThat(index.get(key)).singleElement().asString().startsWith("f3@");
    }

    @Test
    void licensesAreServedFromTheirCompactedTopic() {
        licenses.pipeInput(
                "LIC",
                License.newBuilder()
                        .setLicenseKey("LIC")
                        .setStatus(LicenseStatus.ACTIVE)
                        .setUpdatedAt(T0)
                        .build());

        KeyValueStore<String, License> store = driver.getKeyValueStore(ReadModelTopology.LICENSES_STORE);
        assertThat(store.get("LIC").getStatus()).isEqualTo(LicenseStatus.ACTIVE);
        assertThat(store.get("OTHER")).isNull();
    }

    private KeyValueStore<String, TaskLife> lives() {
        return driver.getKeyValueStore(ReadModelTopology.TASK_LIVES_STORE);
    }

    private static TaskEvent event(TaskRequested task, TaskEventType type, int secondsLater) {
        return TaskEvents.about(task, type, "test", T0.plusSeconds(secondsLater))
                .build();
    }

    static TaskRequested task(String requestId) {
        return TaskRequested.newBuilder()
                .setRequestId(requestId)
                .setLicenseKey("LIC")
                .setTaskType("delete_asset")
                .setPayload(new DeleteAssetPayload(1L, null, null))
                .setRequestedAt(T0.truncatedTo(ChronoUnit.MILLIS))
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "asset-api", null, "pc"))
                .build();
    }
}
