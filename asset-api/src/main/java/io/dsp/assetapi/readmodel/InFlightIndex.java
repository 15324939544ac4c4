package io.dsp.assetapi.readmodel;

import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.event.TaskEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The unfinished tasks of each (license, task type), one store entry per task, so that an event costs a few point
 * reads and at most two small writes whatever the backlog (ADR 021). Two stores, both fed by {@link Indexer} from the
 * re-keyed task events, so every entry of one (license, type) lives in the partition of {@code license|type}:
 *
 * <ul>
 *   <li>{@code in-flight-tasks}: {@code license|type|requestId} → accepted-at millis, what an event looks up;
 *   <li>{@code in-flight-tasks-by-age}: {@code license|type|<19-digit accepted-at>|requestId} → the same millis, in
 *       the order a cap check reads them: the oldest first, stopping after as many as the cap.
 * </ul>
 *
 * License keys ({@code [A-Za-z0-9_-]}, as the admin API creates them) and task types ({@code [a-z0-9_.]} on the
 * WebSocket, named types on HTTP) hold no {@code |}, so a prefix names exactly one (license, type); a request id may,
 * and is always last.
 */
final class InFlightIndex {

    /** Zero-padded accepted-at: byte order is time order. 19 digits hold every non-negative long. */
    private static final int AGE_DIGITS = 19;

    private static final String LAST_AGE = "9".repeat(AGE_DIGITS);
    private static final Serde<List<String>> WIRE = Serdes.ListSerde(ArrayList.class, Serdes.String());

    private InFlightIndex() {}

    static StoreBuilder<KeyValueStore<String, Long>> store(KeyValueBytesStoreSupplier supplier) {
        // No cache: each put reaches the changelog in the order written, which the pair's consistency relies on.
        return Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.Long())
                .withCachingDisabled();
    }

    static String taskKey(String inFlightKey, String requestId) {
        return inFlightKey + "|" + requestId;
    }

    static String ageKey(String inFlightKey, long acceptedAt, String requestId) {
        return inFlightKey + "|" + age(acceptedAt) + "|" + requestId;
    }

    private static String age(long millis) {
        String digits = Long.toString(Math.max(0, millis));
        return "0".repeat(AGE_DIGITS - digits.length()) + digits;
    }

    /**
     * The oldest unfinished tasks of one (license, type) accepted after {@code afterMillis}, oldest first, at most
     * {@code limit}: a range read that stops at the limit, so its cost is the limit's, not the backlog's.
     */
    static List<InFlightTask> oldest(
            ReadOnlyKeyValueStore<String, Long> byAge,
            ReadOnlyKeyValueStore<String, Long> tasks,
            String inFlightKey,
            long afterMillis,
            int limit) {
        List<InFlightTask> oldest = new ArrayList<>();
        if (limit <= 0) {
            return oldest;
        }
        String from = inFlightKey + "|" + age(afterMillis == Long.MAX_VALUE ? afterMillis : afterMillis + 1);
        int requestIdAt = from.length() + 1;
        try (KeyValueIterator<String, Long> it = byAge.range(from, inFlightKey + "|" + LAST_AGE)) {
            while (it.hasNext() && oldest.size() < limit) {
                KeyValue<String, Long> entry = it.next();
                String requestId = entry.key.substring(requestIdAt);
                // The by-request entry is the truth: an age entry left alone by a half-applied removal is not counted.
                if (entry.value != null && entry.value.equals(tasks.get(taskKey(inFlightKey, requestId)))) {
                    oldest.add(new InFlightTask(requestId, Instant.ofEpochMilli(entry.value)));
                }
            }
        }
        return oldest;
    }

    /** The answer of {@link #oldest} for another instance, as {@code requestId@acceptedAtMillis} strings. */
    static byte[] encode(List<InFlightTask> tasks) {
        List<String> entries = new ArrayList<>(tasks.size());
        tasks.forEach(t -> entries.add(t.requestId() + "@" + t.acceptedAt().toEpochMilli()));
        return WIRE.serializer().serialize(null, entries);
    }

    static List<InFlightTask> decode(byte[] bytes) {
        List<InFlightTask> tasks = new ArrayList<>();
        for (String entry : WIRE.deserializer().deserialize(null, bytes)) {
            int at = entry.lastIndexOf('@');
            tasks.add(new InFlightTask(
                    entry.substring(0, at), Instant.ofEpochMilli(Long.parseLong(entry.substring(at + 1)))));
        }
        return tasks;
    }

    /** Walks a store a batch of entries at a time, each batch where the last stopped, round and round. */
    private static final class Sweep {

        private final int batch;
        private String next; // null: from the first key

        Sweep(int batch) {
            this.batch = batch;
        }

        /** Collected first, deleted by the caller after: no write while the iterator is open. */
        List<KeyValue<String, Long>> expired(KeyValueStore<String, Long> store, long horizonMillis) {
            List<KeyValue<String, Long>> expired = new ArrayList<>();
            try (KeyValueIterator<String, Long> it = store.range(next, null)) {
                for (int seen = 0; seen < batch && it.hasNext(); seen++) {
                    KeyValue<String, Long> entry = it.next();
                    if (entry.value != null && entry.value < horizonMillis) {
                        expired.add(entry);
                    }
                }
                next = it.hasNext() ? it.peekNextKey() : null;
            }
            return expired;
        }
    }

    /**
     * Keeps the two stores from the events of one partition, keyed {@code license|type}: a task enters with its first
     * event, leaves with its terminal one; any other event of a known task writes nothing. Entries older than the
     * horizon (wall clock) are never added, and are purged a batch every {@code purgeInterval}.
     */
    static final class Indexer implements Processor<String, TaskEvent, Void, Void> {

        private final String tasksStore;
        private final String byAgeStore;
        private final Duration horizon;
        private final Duration purgeInterval;
        private ProcessorContext<Void, Void> context;
        private KeyValueStore<String, Long> tasks;
        private KeyValueStore<String, Long> byAge;
        private final Sweep taskSweep;
        private final Sweep ageSweep;

        Indexer(String tasksStore, String byAgeStore, Duration horizon, Duration purgeInterval, int purgeBatch) {
            this.tasksStore = tasksStore;
            this.byAgeStore = byAgeStore;
            this.horizon = horizon;
            this.purgeInterval = purgeInterval;
            this.taskSweep = new Sweep(purgeBatch);
            this.ageSweep = new Sweep(purgeBatch);
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            this.tasks = context.getStateStore(tasksStore);
            this.byAge = context.getStateStore(byAgeStore);
            context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purge);
        }

        @Override
        public void process(Record<String, TaskEvent> record) {
            TaskEvent event = record.value();
            String inFlightKey = record.key();
            String requestId = event.getRequestId();
            String taskKey = taskKey(inFlightKey, requestId);
            Long acceptedAt = tasks.get(taskKey);
            if (TaskEvents.isTerminal(event.getType())) {
                if (acceptedAt != null) {
                    // Age entry first: a crash between the two leaves the by-request one, which the replayed event
                    // removes again; the opposite order could strand an age entry.
                    byAge.delete(ageKey(inFlightKey, acceptedAt, requestId));
                    tasks.delete(taskKey);
                }
                return;
            }
            if (acceptedAt == null) {
                long at = event.getAt().toEpochMilli();
                if (at < horizonMillis(context.currentSystemTimeMs())) {
                    return; // a replay of old history: it would only be purged again
                }
                byAge.put(ageKey(inFlightKey, at, requestId), at);
                tasks.put(taskKey, at);
            } else {
                String ageKey = ageKey(inFlightKey, acceptedAt, requestId);
                if (byAge.get(ageKey) == null) {
                    // Heals a pair whose age write was lost (at-least-once: a crash between the two changelog writes).
                    byAge.put(ageKey, acceptedAt);
                }
            }
        }

        /**
         * Drops the entries accepted before the horizon among the next batch of each store: a task that never ended
         * must not be kept for ever, and no punctuation may hold the thread for a whole backlog's scan.
         */
        void purge(long nowMillis) {
            long horizonMillis = horizonMillis(nowMillis);
            for (KeyValue<String, Long> entry : taskSweep.expired(tasks, horizonMillis)) {
                // license|type|requestId, and neither license nor type holds '|'
                int split = entry.key.indexOf('|', entry.key.indexOf('|') + 1);
                byAge.delete(ageKey(entry.key.substring(0, split), entry.value, entry.key.substring(split + 1)));
                tasks.delete(entry.key);
            }
            // Age entries whose by-request entry is already gone (a half-applied removal) go too.
            ageSweep.expired(byAge, horizonMillis).forEach(entry -> byAge.delete(entry.key));
        }

        private long horizonMillis(long nowMillis) {
            return nowMillis - horizon.toMillis();
        }
    }
}
