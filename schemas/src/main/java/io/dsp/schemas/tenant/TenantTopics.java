package io.dsp.schemas.tenant;

import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.serde.AvroSerde;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.topic.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The rule that turns a license key into its task topics: {@code dsp.tasks.<tenant>} for normal work and
 * {@code dsp.tasks.<tenant>.high} for high-priority work, so that a high-priority task never waits behind its own
 * tenant's normal backlog (one partition each; the dispatcher reads both and prefers the high one).
 *
 * <p>The tenant part is the license key's UTF-8 bytes with {@code [A-Za-z0-9-]} kept as they are and every other byte
 * written as {@code _} followed by two upper-case hex digits ({@code "ab.c/d"} becomes {@code ab_2Ec_2Fd}). This is
 * injective (it can be decoded), never contains {@code .}, so tenant topics cannot collide in Kafka's metric names
 * (where {@code .} and {@code _} are the same), and is readable for the usual ASCII keys.
 *
 * <p>When that encoding is longer than {@value #MAX_ENCODED} characters, the tenant part becomes the first
 * {@value #LONG_PREFIX} characters of it (cut before an escape), then {@code _H} and the 64 hex digits of the key's
 * SHA-256. {@code _H} never occurs in the plain encoding ({@code H} is not a hex digit), so the two forms cannot
 * collide with each other; long keys collide only if SHA-256 does. Names stay well under Kafka's 249 characters.
 *
 * <p>Each {@link Lane} has its own tenant topics: {@code dsp.tasks.<tenant>} for GPU work,
 * {@code dsp.automation.<tenant>} for the automation lane ({@code url}, {@code chatglm_video}); the task type decides.
 *
 * <p>The original license key always travels inside every event; the topic name is only an address.
 */
public final class TenantTopics {

    /** Prefix of every tenant topic. */
    public static final String PREFIX = "dsp.tasks.";

    /** Suffix of a tenant's high-priority topic; the tenant part never contains {@code .}, so it cannot collide. */
    public static final String HIGH_SUFFIX = ".high";

    /** Matches every tenant topic (normal and high) and nothing else in the catalogue; the dispatcher subscribes with it. */
    public static final Pattern PATTERN =
            Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9_-]+(" + Pattern.quote(HIGH_SUFFIX) + ")?");

    /** Matches every tenant topic of this lane (normal and high) and nothing else. */
    public static Pattern pattern(Lane lane) {
        return Pattern.compile(
                Pattern.quote(lane.tenantPrefix()) + "[A-Za-z0-9_-]+(" + Pattern.quote(HIGH_SUFFIX) + ")?");
    }

    private static final Pattern AUTOMATION_PATTERN = pattern(Lane.AUTOMATION);

    /** Longest tenant part written in plain encoding. */
    static final int MAX_ENCODED = 180;

    /** Readable prefix kept in front of the hash of a long key. */
    static final int LONG_PREFIX = 100;

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private static final AvroSerde<TaskRequested> VALUE_SERDE = AvroSerde.of(TaskRequested.class);

    /**
     * How long a tenant topic keeps a task that has not been released: far above the longest outage a fleet should
     * have (no GPU online over a long holiday), so that a backlog is never deleted unseen. Prometheus warns when a
     * tenant's oldest waiting task reaches a quarter of it ({@code compose/prometheus/alerts.yml}).
     */
    public static final Duration RETENTION = Duration.ofDays(30);

    private static final Map<String, String> CONFIGS =
            Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(RETENTION.toMillis()));

    private TenantTopics() {}

    /** The (normal-priority) task topic of this license key. */
    public static String topicName(String licenseKey) {
        return PREFIX + tenantOf(licenseKey);
    }

    /** The task topic of this license key for tasks of this priority. */
    public static String topicName(String licenseKey, Priority priority) {
        return topicName(licenseKey, priority, Lane.GPU);
    }

    /** The task topic of this license key for tasks of this priority in this lane. */
    public static String topicName(String licenseKey, Priority priority, Lane lane) {
        String normal = lane.tenantPrefix() + tenantOf(licenseKey);
        return priority == Priority.HIGH ? normal + HIGH_SUFFIX : normal;
    }

    /** The (normal-priority) task topic of this license key, with its types and configs. */
    public static TopicSpec<String, TaskRequested> forLicense(String licenseKey) {
        return forLicense(licenseKey, Priority.NORMAL);
    }

    /** The task topic of this license key for this priority, with its types and configs. */
    public static TopicSpec<String, TaskRequested> forLicense(String licenseKey, Priority priority) {
        return forLicense(licenseKey, priority, Lane.GPU);
    }

    /** The task topic of this license key for this priority in this lane, with its types and configs. */
    public static TopicSpec<String, TaskRequested> forLicense(String licenseKey, Priority priority, Lane lane) {
        return new TopicSpec<>(topicName(licenseKey, priority, lane), Serdes.String(), VALUE_SERDE, 1, CONFIGS);
    }

    /** The topic a task belongs in: its license's topic for its priority in the lane of its task type. */
    public static TopicSpec<String, TaskRequested> forTask(TaskRequested task) {
        return forLicense(task.getLicenseKey(), task.getPriority(), Lane.of(task.getTaskType()));
    }

    /** The lane of a tenant topic. */
    public static Lane laneOf(String tenantTopic) {
        return tenantTopic.startsWith(Lane.AUTOMATION.tenantPrefix()) ? Lane.AUTOMATION : Lane.GPU;
    }

    /** The priority of the tasks in a tenant topic. */
    public static Priority priorityOf(String tenantTopic) {
        return tenantTopic.endsWith(HIGH_SUFFIX) ? Priority.HIGH : Priority.NORMAL;
    }

    /** The normal-priority topic of the tenant that owns this tenant topic (itself when it is the normal one). */
    public static String normalTopicOf(String tenantTopic) {
        return tenantTopic.endsWith(HIGH_SUFFIX)
                ? tenantTopic.substring(0, tenantTopic.length() - HIGH_SUFFIX.length())
                : tenantTopic;
    }

    /** The task in a record read from any tenant topic; {@code null} for a tombstone. */
    public static TaskRequested decode(ConsumerRecord<byte[], byte[]> record) {
        return VALUE_SERDE.deserializer().deserialize(record.topic(), record.value());
    }

    /** The tenant part of the topic name for this license key. */
    public static String tenantOf(String licenseKey) {
        if (licenseKey == null || licenseKey.isEmpty()) {
            throw new IllegalArgumentException("A license key must not be empty");
        }
        String encoded = encode(licenseKey);
        if (encoded.length() <= MAX_ENCODED) {
            return encoded;
        }
        return cutBeforeEscape(encoded, LONG_PREFIX) + "_H" + sha256Hex(licenseKey);
    }

    /** Whether the topic name follows the tenant rule (of any lane). */
    public static boolean isTenantTopic(String topic) {
        return PATTERN.matcher(topic).matches()
                || AUTOMATION_PATTERN.matcher(topic).matches();
    }

    private static String encode(String licenseKey) {
        byte[] bytes = licenseKey.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
                out.append((char) c);
            } else {
                out.append('_').append(HEX.toHexDigits((byte) c));
            }
        }
        return out.toString();
    }

    private static String cutBeforeEscape(String encoded, int max) {
        int end = max;
        // An escape is "_XY"; never cut inside one.
        for (int i = Math.max(0, max - 2); i < max; i++) {
            if (encoded.charAt(i) == '_') {
                end = i;
                break;
            }
        }
        return encoded.substring(0, end);
    }

    private static String sha256Hex(String licenseKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(licenseKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
