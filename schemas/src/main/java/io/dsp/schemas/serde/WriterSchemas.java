package io.dsp.schemas.serde;

import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaParseException;
import org.apache.avro.specific.SpecificData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer schemas of every release that writes to this cluster, by fingerprint (ADR 027): how a reader decodes a
 * record written by a newer release than its own jar during a rolling upgrade, instead of skipping it.
 *
 * <p>Each service publishes the current schema of every record type it may write to the compacted topic
 * {@code dsp.schemas} at start-up ({@link #connect}), keyed by the schema's 64-bit Avro fingerprint, before it writes
 * anything. A reader that meets a fingerprint its jar does not know (neither current nor in {@link SchemaHistory})
 * catches up on that topic and resolves the writer's schema against its own, as Avro's schema resolution allows: fields
 * the reader does not know are skipped, fields the writer did not have take their defaults. {@code
 * SchemaHistoryCompatibilityTest} keeps every released version compatible both ways, so a newer writer is always
 * resolvable.
 *
 * <p>One per process, like the serdes of the topic catalogue that use it. Until {@link #connect} is called (unit tests,
 * tools), only the schemas in the jar are known.
 */
public final class WriterSchemas {

    private static final Logger log = LoggerFactory.getLogger(WriterSchemas.class);

    /** At most one look-up on the topic per unknown fingerprint in this interval: a corrupt record cannot flood it. */
    static final Duration MISS_BACKOFF = Duration.ofSeconds(5);

    private static final Map<Long, Schema> KNOWN = new ConcurrentHashMap<>();
    private static final Map<Long, Long> MISSED_AT = new ConcurrentHashMap<>();
    private static volatile Source source;

    private WriterSchemas() {}

    /** Where published writer schemas are read from: {@code dsp.schemas}, or a test's map. */
    public interface Source extends AutoCloseable {

        /**
         * Every published schema up to now (at least up to the end of the topic as it was when called), as JSON by
         * fingerprint; may return what was already returned.
         */
        Map<Long, String> catchUp(Duration within);

        @Override
        void close();
    }

    /**
     * Publishes this release's writer schemas to {@code dsp.schemas} and resolves unknown fingerprints from there from
     * now on. Called by every service at start-up, after its topics are provisioned.
     *
     * @param clientConfig the service's connection and security settings (bootstrap servers, SASL, TLS)
     * @throws org.apache.kafka.common.KafkaException when the schemas cannot be published: a release whose records
     *     older readers could not decode must not start writing
     */
    public static synchronized void connect(Map<String, Object> clientConfig) {
        SchemaTopic topic = new SchemaTopic(clientConfig);
        topic.publish(current());
        use(topic);
    }

    /**
     * Resolves unknown fingerprints from {@code dsp.schemas} from now on, publishing nothing: for a service that writes
     * no records (the operators' board).
     */
    public static synchronized void read(Map<String, Object> clientConfig) {
        use(new SchemaTopic(clientConfig));
    }

    /** Resolves unknown fingerprints from this source from now on (closing the one used before). */
    public static synchronized void use(Source next) {
        Source previous = source;
        source = next;
        MISSED_AT.clear();
        if (previous != null && previous != next) {
            previous.close();
        }
    }

    /** Stops resolving from the topic; the schemas already found stay known. */
    public static synchronized void disconnect() {
        use(null);
    }

    /** The current schema of every record type this release writes, by fingerprint. */
    public static Map<Long, Schema> current() {
        Map<Long, Schema> out = new LinkedHashMap<>();
        for (TopicSpec<?, ?> spec : Topics.SHARED) {
            if (spec.valueSerde() instanceof AvroSerde<?> avro) {
                Schema schema = SpecificData.getForClass(avro.type()).getSchema(avro.type());
                out.put(fingerprint(schema), schema);
            }
        }
        Schema tasks = TaskRequested.getClassSchema(); // tenant topics are not in the catalogue's list
        out.put(fingerprint(tasks), tasks);
        return out;
    }

    /** Avro's 64-bit fingerprint of the schema's canonical form: the one single-object encoding carries. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /**
     * The writer schema with this fingerprint, looked up on {@code dsp.schemas} when not known yet (at most once per
     * {@link #MISS_BACKOFF} for one that stays unknown).
     */
    static Optional<Schema> find(long fingerprint) {
        Schema known = KNOWN.get(fingerprint);
        if (known != null) {
            return Optional.of(known);
        }
        Source from = source;
        if (from == null) {
            return Optional.empty();
        }
        synchronized (WriterSchemas.class) {
            known = KNOWN.get(fingerprint);
            if (known != null) {
                return Optional.of(known);
            }
            long now = System.nanoTime();
            Long missed = MISSED_AT.get(fingerprint);
            if (missed != null && now - missed < MISS_BACKOFF.toNanos()) {
                return Optional.empty();
            }
            learn(from.catchUp(Duration.ofSeconds(5)));
            known = KNOWN.get(fingerprint);
            if (known == null) {
                MISSED_AT.put(fingerprint, now);
                log.warn(
                        "no writer schema with fingerprint {} in {}",
                        Long.toHexString(fingerprint),
                        Topics.SCHEMAS.name());
                return Optional.empty();
            }
            MISSED_AT.remove(fingerprint);
            log.info(
                    "writer schema {} (fingerprint {}) found in {}: a newer release writes it",
                    known.getFullName(),
                    Long.toHexString(fingerprint),
                    Topics.SCHEMAS.name());
            return Optional.of(known);
        }
    }

    /** Keeps the published schemas that parse and whose key is their own fingerprint; ignores anything else. */
    private static void learn(Map<Long, String> published) {
        published.forEach((fingerprint, json) -> {
            if (KNOWN.containsKey(fingerprint) || json == null) {
                return;
            }
            try {
                Schema schema = new Schema.Parser().parse(json);
                if (fingerprint(schema) == fingerprint) {
                    KNOWN.put(fingerprint, schema);
                } else {
                    log.warn(
                            "{}: a schema published under fingerprint {} has another one; ignored",
                            Topics.SCHEMAS.name(),
                            Long.toHexString(fingerprint));
                }
            } catch (SchemaParseException e) {
                log.warn(
                        "{}: the schema published under fingerprint {} does not parse; ignored: {}",
                        Topics.SCHEMAS.name(),
                        Long.toHexString(fingerprint),
                        e.getMessage());
            }
        });
    }

    /** Forgets every schema learnt from the topic; for tests. */
    static synchronized void forget() {
        KNOWN.clear();
        MISSED_AT.clear();
    }
}
