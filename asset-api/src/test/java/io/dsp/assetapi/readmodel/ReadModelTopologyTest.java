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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReadModelTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-29T00:00:00Z");
    private static final String APPLICATION_ID = "read-model-test";

    private TopologyTestDriver driver;
    private TestInputTopic<String, TaskEvent> events;
    private TestInputTopic<String, License> licenses;

    @BeforeEach
    void buildTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        ReadModelTopology.build(builder);
        start(builder, config());
    }

    /** In memory: the driver flushes persistent stores after every record, minutes for tens of thousands. */
    private void rebuildInMemory() {
        driver.close();
        Properties config = config();
        config.put(
                StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG,
                BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(config)));
        ReadModelTopology.build(builder, (requestId, life) -> {}, Stores::inMemoryKeyValueStore);
        start(builder, config);
    }

    private static Properties config() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return config;
    }

    private void start(StreamsBuilder builder, Properties config) {
        // The wall clock starts at the events' time: the in-flight index's horizon is measured on it.
        driver = new TopologyTestDriver(builder.build(), config, T0);
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
    void theInFlightIndexHoldsUnfinishedTasksPerLicenseAndTypeOldestFirst() {
        TaskRequested first = task("f1");
        TaskRequested second = task("f2");
        events.pipeInput("f2", event(second, TaskEventType.ACCEPTED, 0));
        events.pipeInput("f2", event(second, TaskEventType.STARTED, 1));
        events.pipeInput("f1", event(first, TaskEventType.ACCEPTED, 2));
        events.pipeInput("o1", event(task("o1", "OTHER", "delete_asset"), TaskEventType.ACCEPTED, 0));
        events.pipeInput("o2", event(task("o2", "LIC", "heygem_submit"), TaskEventType.ACCEPTED, 0));

        assertThat(unfinished("LIC", "delete_asset"))
                .containsExactly(new InFlightTask("f2", T0), new InFlightTask("f1", T0.plusSeconds(2)));

        events.pipeInput("f2", event(second, TaskEventType.SUCCEEDED, 3));
        assertThat(unfinished("LIC", "delete_asset")).containsExactly(new InFlightTask("f1", T0.plusSeconds(2)));
        assertThat(unfinished("OTHER", "delete_asset"))
                .extracting(InFlightTask::requestId)
                .containsExactly("o1");
        assertThat(unfinished("LIC", "heygem_submit"))
                .extracting(InFlightTask::requestId)
                .containsExactly("o2");
    }

    @Test
    void anInFlightReadStopsAtItsLimitAndSkipsWhatWasAcceptedBeforeItsStart() {
        // Request ids against the age order: the read follows acceptance, not the id.
        events.pipeInput("z", event(task("z"), TaskEventType.ACCEPTED, 0));
        events.pipeInput("y", event(task("y"), TaskEventType.ACCEPTED, 1));
        events.pipeInput("x", event(task("x"), TaskEventType.ACCEPTED, 2));
        events.pipeInput("w", event(task("w"), TaskEventType.ACCEPTED, 3));

        String key = ReadModelTopology.inFlightKey("LIC", "delete_asset");
        assertThat(InFlightIndex.oldest(byAge(), tasks(), key, T0.toEpochMilli(), 2))
                .containsExactly(new InFlightTask("y", T0.plusSeconds(1)), new InFlightTask("x", T0.plusSeconds(2)));
        assertThat(InFlightIndex.oldest(byAge(), tasks(), key, 0, 0)).isEmpty();
    }

    @Test
    void anEventOfATaskAlreadyIndexedWritesNothing() {
        TaskRequested task = task("k1");
        events.pipeInput("k1", event(task, TaskEventType.ACCEPTED, 0));
        assertThat(changelog()).hasSize(2);

        events.pipeInput("k1", event(task, TaskEventType.ACCEPTED, 0));
        events.pipeInput("k1", event(task, TaskEventType.DISPATCHED, 1));
        events.pipeInput("k1", event(task, TaskEventType.STARTED, 2));
        events.pipeInput(
                "k1",
                TaskEvents.about(task, TaskEventType.PROGRESS, "gpu-consumer", T0.plusSeconds(3))
                        .setProgress(new TaskProgress("processing", 50, null, 0, 0))
                        .build());

        assertThat(changelog()).isEmpty();
        assertThat(unfinished("LIC", "delete_asset")).containsExactly(new InFlightTask("k1", T0));
    }

    @Test
    void aTerminalEventRemovesExactlyThatTask() {
        for (String id : List.of("t1", "t2", "t3")) {
            events.pipeInput(id, event(task(id), TaskEventType.ACCEPTED, 0));
        }
        changelog();

        events.pipeInput("t2", event(task("t2"), TaskEventType.FAILED, 5));

        List<TestRecord<String, byte[]>> written = changelog();
        assertThat(written).extracting(TestRecord::getValue).containsOnlyNulls();
        assertThat(written)
                .extracting(TestRecord::getKey)
                .containsExactlyInAnyOrder(
                        InFlightIndex.taskKey(ReadModelTopology.inFlightKey("LIC", "delete_asset"), "t2"),
                        InFlightIndex.ageKey(
                                ReadModelTopology.inFlightKey("LIC", "delete_asset"), T0.toEpochMilli(), "t2"));
        assertThat(unfinished("LIC", "delete_asset"))
                .extracting(InFlightTask::requestId)
                .containsExactly("t1", "t3");

        // The end of a task the index never held writes nothing.
        events.pipeInput("t9", event(task("t9"), TaskEventType.CANCELLED, 6));
        assertThat(changelog()).isEmpty();
    }

    @Test
    void thirtyThousandUnfinishedTasksOfOneLicenseAndTypeAreHeldInSmallRecords() {
        // The list-valued index wrote all of them into one record: about 1 MB (Kafka's default limit) at 24,000.
        rebuildInMemory();
        int count = 30_000;
        List<KeyValue<String, TaskEvent>> accepted = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = "heygem_" + UUID.nameUUIDFromBytes(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
            accepted.add(KeyValue.pair(id, event(task(id), TaskEventType.ACCEPTED, i % 3_600)));
        }
        events.pipeKeyValueList(accepted);

        List<TestRecord<String, byte[]>> written = changelog();
        assertThat(written).hasSize(2 * count);
        int largest = written.stream()
                .mapToInt(r -> r.getKey().getBytes(StandardCharsets.UTF_8).length + r.getValue().length)
                .max()
                .orElseThrow();
        System.out.printf(
                "[in-flight] %d tasks of one license and type: largest changelog record %d bytes%n", count, largest);
        assertThat(largest).isLessThan(200);
        assertThat(InFlightIndex.oldest(
                        byAge(), tasks(), ReadModelTopology.inFlightKey("LIC", "delete_asset"), 0, count + 1))
                .hasSize(count);
    }

    @Test
    void tasksAcceptedBeforeTheHorizonArePurged() {
        events.pipeInput("old", event(task("old"), TaskEventType.ACCEPTED, 0));
        Duration horizon = ReadModelTopology.IN_FLIGHT_HORIZON;
        events.pipeInput("fresh", event(task("fresh"), TaskEventType.ACCEPTED, (int) horizon.toSeconds()));

        driver.advanceWallClockTime(horizon.plus(ReadModelTopology.IN_FLIGHT_PURGE_INTERVAL));

        assertThat(unfinished("LIC", "delete_asset"))
                .extracting(InFlightTask::requestId)
                .containsExactly("fresh");
        assertThat(count(tasks())).isOne();
        assertThat(count(byAge())).isOne();
    }

    @Test
    void anEventAcceptedBeforeTheHorizonIsNotIndexed() {
        Instant longAgo = T0.minus(ReadModelTopology.IN_FLIGHT_HORIZON).minusSeconds(1);

        events.pipeInput(
                "replayed",
                TaskEvents.about(task("replayed"), TaskEventType.ACCEPTED, "test", longAgo)
                        .build());

        assertThat(count(tasks())).isZero();
        assertThat(changelog()).isEmpty();
    }

    @Test
    void theListValuedInFlightStoreIsNotPartOfTheTopology() {
        events.pipeInput("n1", event(task("n1"), TaskEventType.ACCEPTED, 0));

        assertThat(driver.getAllStateStores()).doesNotContainKey("in-flight");
        assertThat(driver.producedTopicNames())
                .contains(APPLICATION_ID + "-in-flight-tasks-changelog")
                .doesNotContain(APPLICATION_ID + "-in-flight-changelog", APPLICATION_ID + "-in-flight-repartition");
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

    private List<InFlightTask> unfinished(String licenseKey, String taskType) {
        return InFlightIndex.oldest(
                byAge(), tasks(), ReadModelTopology.inFlightKey(licenseKey, taskType), 0, Integer.MAX_VALUE);
    }

    private KeyValueStore<String, Long> tasks() {
        return driver.getKeyValueStore(ReadModelTopology.IN_FLIGHT_TASKS_STORE);
    }

    private KeyValueStore<String, Long> byAge() {
        return driver.getKeyValueStore(ReadModelTopology.IN_FLIGHT_BY_AGE_STORE);
    }

    private static long count(KeyValueStore<String, Long> store) {
        try (KeyValueIterator<String, Long> all = store.all()) {
            long n = 0;
            for (; all.hasNext(); all.next()) {
                n++;
            }
            return n;
        }
    }

    /** What the in-flight index wrote to its two changelogs since the last call. */
    private List<TestRecord<String, byte[]>> changelog() {
        List<TestRecord<String, byte[]>> written = new ArrayList<>();
        for (String store :
                List.of(ReadModelTopology.IN_FLIGHT_TASKS_STORE, ReadModelTopology.IN_FLIGHT_BY_AGE_STORE)) {
            written.addAll(driver.createOutputTopic(
                            APPLICATION_ID + "-" + store + "-changelog",
                            new StringDeserializer(),
                            new ByteArrayDeserializer())
                    .readRecordsToList());
        }
        return written;
    }

    private KeyValueStore<String, TaskLife> lives() {
        return driver.getKeyValueStore(ReadModelTopology.TASK_LIVES_STORE);
    }

    private static TaskEvent event(TaskRequested task, TaskEventType type, int secondsLater) {
        return TaskEvents.about(task, type, "test", T0.plusSeconds(secondsLater))
                .build();
    }

    static TaskRequested task(String requestId) {
        return task(requestId, "LIC", "delete_asset");
    }

    static TaskRequested task(String requestId, String licenseKey, String taskType) {
        return TaskRequested.newBuilder()
                .setRequestId(requestId)
                .setLicenseKey(licenseKey)
                .setTaskType(taskType)
                .setPayload(new DeleteAssetPayload(1L, null, null))
                .setRequestedAt(T0.truncatedTo(ChronoUnit.MILLIS))
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "asset-api", null, "pc"))
                .build();
    }
}
