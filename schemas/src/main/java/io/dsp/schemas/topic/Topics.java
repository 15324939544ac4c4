package io.dsp.schemas.topic;

import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeviceBinding;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.avro.RelayFrame;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The catalogue of the system's shared topics: every name with its key and value types, in one place. Tenant task
 * topics ({@code dsp.tasks.<tenant>}) are per license and come from {@link io.dsp.schemas.tenant.TenantTopics}.
 */
public final class Topics {

    private static final Serde<String> KEY = Serdes.String();
    private static final Serde<Long> LONG_KEY = Serdes.Long();

    private static final String DAYS_7 = String.valueOf(Duration.ofDays(7).toMillis());
    private static final String DAYS_30 = String.valueOf(Duration.ofDays(30).toMillis());

    /** What the dispatcher released to the fleet, keyed by request id; read by the fleet's share group. */
    public static final TopicSpec<String, TaskRequested> DISPATCH = new TopicSpec<>(
            "dsp.dispatch", KEY, AvroSerde.of(TaskRequested.class), 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, DAYS_7));

    /**
     * What the dispatcher released to the automation lane ({@code url}, {@code chatglm_video}: the legacy
     * {@code ws_worker}), keyed by request id; read by the automation fleet's share group. A lane of its own, so no
     * worker ever acquires a task it cannot run (a release counts as a delivery).
     */
    public static final TopicSpec<String, TaskRequested> AUTOMATION_DISPATCH = new TopicSpec<>(
            "dsp.dispatch.automation",
            KEY,
            AvroSerde.of(TaskRequested.class),
            1,
            Map.of(TopicConfig.RETENTION_MS_CONFIG, DAYS_7));

    /** The whole life of every task, keyed by request id so that one task's events stay in order. */
    public static final TopicSpec<String, TaskEvent> TASK_EVENTS = new TopicSpec<>(
            "dsp.task-events", KEY, AvroSerde.of(TaskEvent.class), 3, Map.of(TopicConfig.RETENTION_MS_CONFIG, DAYS_30));

    /** The asset catalogue's source of truth, keyed by asset id; a tombstone deletes an asset. */
    public static final TopicSpec<Long, AssetRecord> ASSETS = new TopicSpec<>(
            "dsp.assets",
            LONG_KEY,
            AvroSerde.of(AssetRecord.class),
            3,
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));

    /** Fleet presence, keyed by worker id; a tombstone means the worker left. */
    public static final TopicSpec<String, WorkerPresence> WORKERS = new TopicSpec<>(
            "dsp.workers",
            KEY,
            AvroSerde.of(WorkerPresence.class),
            1,
            Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.SEGMENT_MS_CONFIG,
                    String.valueOf(Duration.ofHours(1).toMillis())));

    /** Tasks the fleet gave up on, keyed by request id, with the original task for re-driving. */
    public static final TopicSpec<String, DeadLetter> DEAD_LETTERS = new TopicSpec<>(
            "dsp.dead-letters",
            KEY,
            AvroSerde.of(DeadLetter.class),
            1,
            Map.of(TopicConfig.RETENTION_MS_CONFIG, DAYS_30));

    /** The license registry, keyed by license key. */
    public static final TopicSpec<String, License> LICENSES = new TopicSpec<>(
            "dsp.licenses",
            KEY,
            AvroSerde.of(License.class),
            1,
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));

    /** What waits per license, published by the dispatcher, keyed by license key. */
    public static final TopicSpec<String, QueueFacts> QUEUE_FACTS = new TopicSpec<>(
            "dsp.queue-facts",
            KEY,
            AvroSerde.of(QueueFacts.class),
            1,
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));

    /** Device binding per (license, device type), keyed by {@code licenseKey|deviceType}; a tombstone unbinds. */
    public static final TopicSpec<String, DeviceBinding> DEVICE_BINDINGS = new TopicSpec<>(
            "dsp.device-bindings",
            KEY,
            AvroSerde.of(DeviceBinding.class),
            1,
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));

    /**
     * A sequence: the offset of each record is a fleet-wide unique asset id (offset + 1), so ids stay small integers
     * that JavaScript holds exactly. One partition, so offsets are one sequence; values only name the issuing node.
     */
    public static final TopicSpec<String, String> ASSET_IDS =
            new TopicSpec<>("dsp.asset-ids", KEY, Serdes.String(), 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, DAYS_7));

    /**
     * Commands about one task (cancel), keyed by request id so they stay in order with each other. Read by the
     * dispatcher (skips waiting tasks), workers and the gateway (stop running ones).
     */
    public static final TopicSpec<String, TaskControl> TASK_CONTROL = new TopicSpec<>(
            "dsp.task-control",
            KEY,
            AvroSerde.of(TaskControl.class),
            1,
            Map.of(TopicConfig.RETENTION_MS_CONFIG, DAYS_7));

    /** Operators' desired state per worker (drain / undrain), keyed by worker id; compacted, a tombstone clears it. */
    public static final TopicSpec<String, WorkerCommand> WORKER_COMMANDS = new TopicSpec<>(
            "dsp.worker-commands",
            KEY,
            AvroSerde.of(WorkerCommand.class),
            1,
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));

    /**
     * Legacy frames for connections on any gateway instance (results, status answers, boot triggers), keyed by the
     * target address. Short retention: a frame nobody could deliver within the hour is of no use.
     */
    public static final TopicSpec<String, RelayFrame> GATEWAY_RELAY = new TopicSpec<>(
            "dsp.gateway-relay",
            KEY,
            AvroSerde.of(RelayFrame.class),
            1,
            Map.of(
                    TopicConfig.RETENTION_MS_CONFIG,
                    String.valueOf(Duration.ofHours(1).toMillis())));

    /**
     * Every writer schema of every release, keyed by its 64-bit Avro fingerprint, value the schema's JSON: published by
     * each service at start-up, read by one that meets a record written by a newer release (ADR 027). Compacted and
     * kept forever: a schema is needed for as long as a record written with it may be read.
     */
    public static final TopicSpec<Long, String> SCHEMAS = new TopicSpec<>(
            "dsp.schemas",
            LONG_KEY,
            Serdes.String(),
            1,
            Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.RETENTION_MS_CONFIG,
                    "-1"));

    /** Every shared topic, for provisioning. */
    public static final List<TopicSpec<?, ?>> SHARED = List.of(
            DISPATCH,
            AUTOMATION_DISPATCH,
            TASK_EVENTS,
            ASSETS,
            WORKERS,
            DEAD_LETTERS,
            LICENSES,
            QUEUE_FACTS,
            DEVICE_BINDINGS,
            ASSET_IDS,
            TASK_CONTROL,
            WORKER_COMMANDS,
            GATEWAY_RELAY,
            SCHEMAS);

    private Topics() {}
}
