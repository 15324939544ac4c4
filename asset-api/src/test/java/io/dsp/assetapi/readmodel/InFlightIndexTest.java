package io.dsp.assetapi.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.event.TaskEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The in-flight index's processor on its own: what the topology test cannot set up (batches, half-applied pairs). */
class InFlightIndexTest {

    private static final Instant T0 = Instant.parse("2026-12-04T00:00:00Z");
    private static final Duration HORIZON = Duration.ofHours(1);
    private static final String KEY = ReadModelTopology.inFlightKey("LIC", "delete_asset");

    private KeyValueStore<String, Long> tasks;
    private KeyValueStore<String, Long> byAge;
    private InFlightIndex.Indexer indexer;

    @BeforeEach
    void startTheIndexer() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "in-flight-index-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(config);
        context.setCurrentSystemTimeMs(T0.toEpochMilli());
        tasks = store(context, ReadModelTopology.IN_FLIGHT_TASKS_STORE);
        byAge = store(context, ReadModelTopology.IN_FLIGHT_BY_AGE_STORE);
        indexer = new InFlightIndex.Indexer(
                ReadModelTopology.IN_FLIGHT_TASKS_STORE,
                ReadModelTopology.IN_FLIGHT_BY_AGE_STORE,
                HORIZON,
                Duration.ofMinutes(1),
                2);
        indexer.init(context);
    }

    @Test
    void aPurgeLooksAtOneBatchAndTheNextGoesOnWhereItStopped() {
        for (String id : List.of("a", "b", "c", "d", "e")) {
            accept(id, T0);
        }
        long later = T0.plus(HORIZON).plusSeconds(1).toEpochMilli();

        indexer.purge(later);
        assertThat(size(tasks)).isEqualTo(3);

        indexer.purge(later);
        indexer.purge(later);
        assertThat(size(tasks)).isZero();
        assertThat(size(byAge)).isZero();
    }

    @Test
    void aPurgeKeepsWhatIsInsideTheHorizon() {
        accept("old", T0);
        accept("fresh", T0.plus(HORIZON));

        for (int i = 0; i < 3; i++) {
            indexer.purge(T0.plus(HORIZON).plusSeconds(1).toEpochMilli());
        }

        assertThat(oldest()).extracting(InFlightTask::requestId).containsExactly("fresh");
    }

    @Test
    void anAgeEntryWhoseTaskIsGoneIsNotCountedAndIsPurged() {
        accept("kept", T0.plusSeconds(10));
        // As a removal cut short between its two writes would leave it.
        byAge.put(InFlightIndex.ageKey(KEY, T0.toEpochMilli(), "stranded"), T0.toEpochMilli());

        assertThat(oldest()).extracting(InFlightTask::requestId).containsExactly("kept");

        indexer.purge(T0.plus(HORIZON).plusSeconds(2).toEpochMilli());
        assertThat(size(byAge)).isOne();
        assertThat(oldest()).extracting(InFlightTask::requestId).containsExactly("kept");
    }

    @Test
    void anEventOfAKnownTaskRestoresAMissingAgeEntry() {
        // As a first event cut short between its two writes would leave it: the by-request entry alone.
        tasks.put(InFlightIndex.taskKey(KEY, "half"), T0.toEpochMilli());

        indexer.process(record(TaskEventType.STARTED, "half", T0.plusSeconds(5)));

        assertThat(oldest()).containsExactly(new InFlightTask("half", T0));
    }

    private void accept(String requestId, Instant at) {
        indexer.process(record(TaskEventType.ACCEPTED, requestId, at));
    }

    private static Record<String, TaskEvent> record(TaskEventType type, String requestId, Instant at) {
        TaskEvent event = TaskEvents.about(ReadModelTopologyTest.task(requestId), type, "test", at)
                .build();
        return new Record<>(KEY, event, at.toEpochMilli());
    }

    private List<InFlightTask> oldest() {
        return InFlightIndex.oldest(byAge, tasks, KEY, 0, Integer.MAX_VALUE);
    }

    private static KeyValueStore<String, Long> store(MockProcessorContext<Void, Void> context, String name) {
        KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.Long())
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    private static long size(KeyValueStore<String, Long> store) {
        try (KeyValueIterator<String, Long> all = store.all()) {
            long n = 0;
            for (; all.hasNext(); all.next()) {
                n++;
            }
            return n;
        }
    }
}
