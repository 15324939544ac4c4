package io.dsp.assetapi.readmodel;

import io.dsp.assetapi.web.ApiException;
import io.dsp.core.intake.ClientRequestIds;
import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.avro.DeviceBinding;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.serde.AvroSerde;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.stereotype.Component;

/** Queries over the Kafka Streams state stores; "service starting" while they are still being restored. */
@Component
public class ReadModels {

    /**
     * Partitioned stores read by key, with their value serdes: a key lives on the one instance that owns its partition.
     * The in-flight index is partitioned too, but read as a range ({@link #inFlight}).
     */
    private static final Map<String, Serde<?>> PARTITIONED =
            Map.of(ReadModelTopology.TASK_LIVES_STORE, AvroSerde.of(TaskLife.class));

    private final StreamsBuilderFactoryBean streams;
    private final StreamsServer server;
    private final RemoteStores remote;

    ReadModels(StreamsBuilderFactoryBean streams, StreamsServer server, RemoteStores remote) {
        this.streams = streams;
        this.server = server;
        this.remote = remote;
    }

    public Optional<License> license(String licenseKey) {
        return get(ReadModelTopology.LICENSES_STORE, licenseKey);
    }

    public Optional<AssetRecord> asset(long assetId) {
        return get(ReadModelTopology.ASSETS_STORE, assetId);
    }

    public Optional<DeviceBinding> deviceBinding(String bindingKey) {
        return get(ReadModelTopology.DEVICE_BINDINGS_STORE, bindingKey);
    }

    /**
     * Every asset of one license. A scan of the whole catalogue: fine for thousands of assets per instance; a
     * per-license index (a re-keyed table) is the step when it grows past that.
     */
    public List<AssetRecord> assetsOf(String licenseKey) {
        return allAssets().stream()
                .filter(a -> a.getLicenseKey().equals(licenseKey))
                .toList();
    }

    /** Every asset of every license (a scan, as {@link #assetsOf}): what the retention sweep and blob deletes check. */
    public List<AssetRecord> allAssets() {
        List<AssetRecord> all = new ArrayList<>();
        ReadOnlyKeyValueStore<Long, AssetRecord> store = store(ReadModelTopology.ASSETS_STORE);
        try (KeyValueIterator<Long, AssetRecord> it = store.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null) {
                    all.add(kv.value);
                }
            });
        } catch (InvalidStateStoreException e) {
            throw starting();
        }
        return all;
    }

    /**
     * The oldest unfinished tasks of one license and type accepted after {@code after}, oldest first, at most
     * {@code limit}: with {@code limit} = a cap, a full answer means the cap is reached and its first task is the
     * oldest of all; a shorter one is every such task. A range read of that many entries, from this instance's
     * partition or, over HTTP, from the instance that owns it.
     */
    public List<InFlightTask> inFlight(String licenseKey, String taskType, Instant after, int limit) {
        String key = ReadModelTopology.inFlightKey(licenseKey, taskType);
        long afterMillis = after.toEpochMilli();
        KeyQueryMetadata metadata = metadata(ReadModelTopology.IN_FLIGHT_TASKS_STORE, key);
        HostInfo owner = owner(metadata);
        if (owner == null || owner.equals(server.self())) {
            return localInFlight(key, afterMillis, limit, metadata);
        }
        return remote.fetch(
                        owner,
                        ReadModelTopology.IN_FLIGHT_TASKS_STORE,
                        key,
                        Map.of("after", Long.toString(afterMillis), "limit", Integer.toString(limit)))
                .map(InFlightIndex::decode)
                .orElse(List.of());
    }

    /** What waits in this license's task topic, as the dispatcher last published it. */
    public Optional<QueueFacts> queueFacts(String licenseKey) {
        return get(ReadModelTopology.QUEUE_FACTS_STORE, licenseKey);
    }

    /** The latest command about a task (a cancel), if any was sent. */
    public Optional<TaskControl> taskControl(String requestId) {
        return get(ReadModelTopology.TASK_CONTROL_STORE, requestId);
    }

    /** The latest operator command for a worker (drain / undrain), if any. */
    public Optional<WorkerCommand> workerCommand(String workerId) {
        return get(ReadModelTopology.WORKER_COMMANDS_STORE, workerId);
    }

    /** A task's life, from this instance's store or, over HTTP, from the instance that owns its partition. */
    public Optional<TaskLife> taskLife(String requestId) {
        return routed(ReadModelTopology.TASK_LIVES_STORE, requestId);
    }

    /**
     * The task this license names by {@code id}: the one whose client chose that id (scoped to the license, ADR 015),
     * else a task with that very id (a generated one, or one recorded before scoping) if it is this license's.
     * Another license's task is never returned.
     */
    public Optional<TaskLife> ownTaskLife(String licenseKey, String id) {
        return taskLife(ClientRequestIds.scoped(licenseKey, id))
                .filter(life -> life.getLicenseKey().equals(licenseKey))
                .or(() -> taskLife(id).filter(life -> life.getLicenseKey().equals(licenseKey)));
    }

    /** The id of the task this license names by {@code id} ({@link #ownTaskLife}), or {@code id} when none exists yet. */
    public String ownTaskId(String licenseKey, String id) {
        return ownTaskLife(licenseKey, id).map(TaskLife::getRequestId).orElse(id);
    }

    /** Whether this instance holds the partition of this task (so its changes are heard here). */
    public boolean isLocal(String requestId) {
        HostInfo owner = owner(metadata(ReadModelTopology.TASK_LIVES_STORE, requestId));
        return owner == null || owner.equals(server.self());
    }

    /**
     * The serialized value of a key in one of this instance's own partitions of a partitioned store, for the instance
     * that routed a read here; never forwarded again, so reads cannot loop. Empty for an unknown store or key. For the
     * in-flight index ({@code in-flight-tasks}, key {@code license|type}): {@link #inFlight}'s answer after
     * {@code afterMillis}, at most {@code limit}; the other stores ignore both.
     */
    public Optional<byte[]> localBytes(String storeName, String key, long afterMillis, int limit) {
        if (storeName.equals(ReadModelTopology.IN_FLIGHT_TASKS_STORE)) {
            List<InFlightTask> oldest = localInFlight(
                    key, afterMillis, Math.max(0, limit), metadata(ReadModelTopology.IN_FLIGHT_TASKS_STORE, key));
            return Optional.of(InFlightIndex.encode(oldest));
        }
        @SuppressWarnings("unchecked")
        Serde<Object> serde = (Serde<Object>) PARTITIONED.get(storeName);
        if (serde == null) {
            return Optional.empty();
        }
        Optional<Object> value = get(storeName, key);
        return value.map(v -> serde.serializer().serialize(storeName, v));
    }

    /** A partitioned store's value: local when this instance owns the key's partition, else from the owner. */
    private <V> Optional<V> routed(String storeName, String key) {
        HostInfo owner = owner(metadata(storeName, key));
        if (owner == null || owner.equals(server.self())) {
            return get(storeName, key);
        }
        @SuppressWarnings("unchecked")
        Serde<V> serde = (Serde<V>) PARTITIONED.get(storeName);
        return remote.fetch(owner, storeName, key)
                .map(bytes -> serde.deserializer().deserialize(storeName, bytes));
    }

    /**
     * Where the key's partition is: null when instances do not advertise themselves (one instance, which holds every
     * partition).
     */
    private KeyQueryMetadata metadata(String storeName, String key) {
        KafkaStreams kafkaStreams = running();
        KeyQueryMetadata metadata;
        try {
            metadata = kafkaStreams.queryMetadataForKey(
                    storeName, key, Serdes.String().serializer());
        } catch (IllegalStateException | StreamsException e) {
            throw starting();
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            // No application.server configured (tests of the topology alone), or a rebalance is in progress.
            if (server.self() == null) {
                return null;
            }
            throw starting();
        }
        return metadata;
    }

    /** The instance that owns the key's partition; null when instances do not advertise themselves (one instance). */
    private static HostInfo owner(KeyQueryMetadata metadata) {
        if (metadata == null) {
            return null;
        }
        HostInfo active = metadata.activeHost();
        return active == null || active.port() < 0 ? null : active;
    }

    /** One fleet member's latest presence; empty when never seen or gone (tombstone). */
    public Optional<WorkerPresence> worker(String workerId) {
        return get(ReadModelTopology.WORKERS_STORE, workerId);
    }

    public List<WorkerPresence> workers() {
        List<WorkerPresence> all = new ArrayList<>();
        ReadOnlyKeyValueStore<String, WorkerPresence> store = store(ReadModelTopology.WORKERS_STORE);
        try (KeyValueIterator<String, WorkerPresence> it = store.all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        } catch (InvalidStateStoreException e) {
            throw starting();
        }
        return all;
    }

    private <K, V> Optional<V> get(String storeName, K key) {
        ReadOnlyKeyValueStore<K, V> store = store(storeName);
        try {
            return Optional.ofNullable(store.get(key));
        } catch (InvalidStateStoreException e) {
            throw starting();
        }
    }

    /** The in-flight index of this instance: only the key's partition when known, so one range read answers. */
    private List<InFlightTask> localInFlight(String key, long afterMillis, int limit, KeyQueryMetadata metadata) {
        Integer partition = metadata == null || metadata.partition() < 0 ? null : metadata.partition();
        ReadOnlyKeyValueStore<String, Long> byAge = store(ReadModelTopology.IN_FLIGHT_BY_AGE_STORE, partition);
        ReadOnlyKeyValueStore<String, Long> tasks = store(ReadModelTopology.IN_FLIGHT_TASKS_STORE, partition);
        try {
            return InFlightIndex.oldest(byAge, tasks, key, afterMillis, limit);
        } catch (InvalidStateStoreException e) {
            throw starting();
        }
    }

    private KafkaStreams running() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null || !kafkaStreams.state().isRunningOrRebalancing()) {
            throw starting();
        }
        return kafkaStreams;
    }

    private <K, V> ReadOnlyKeyValueStore<K, V> store(String storeName) {
        return store(storeName, null);
    }

    /** One partition's store when {@code partition} is given (this instance must hold it), else all local ones. */
    private <K, V> ReadOnlyKeyValueStore<K, V> store(String storeName, Integer partition) {
        KafkaStreams kafkaStreams = running();
        StoreQueryParameters<ReadOnlyKeyValueStore<K, V>> query =
                StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.keyValueStore());
        try {
            return kafkaStreams.store(partition == null ? query : query.withPartition(partition));
        } catch (InvalidStateStoreException e) {
            // A partition's store is moving or restoring (start-up, rebalance): a moment later it answers.
            throw starting();
        }
    }

    static ApiException starting() {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "服务启动中，请稍后重试");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableKafkaStreams
    static class Topology {

        @Autowired
        void buildReadModels(StreamsBuilder builder, TaskChanges changes) {
            ReadModelTopology.build(builder, changes::publish);
        }

        /**
         * Leave the group on close: otherwise a restarted instance waits a whole session timeout (45 s) for its own
         * previous member to expire before its stores serve anything.
         */
        @Bean
        static StreamsBuilderFactoryBeanConfigurer leaveGroupOnClose() {
            return factory -> {
                factory.setLeaveGroupOnClose(true);
                factory.setCloseTimeout(5);
            };
        }
    }
}
